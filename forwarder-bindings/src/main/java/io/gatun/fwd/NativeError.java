package io.gatun.fwd;

/** What a negative return from libgatunfwd means, by errno. */
public enum NativeError {
  INVALID_ARGUMENT(22), // EINVAL
  STALE_GENERATION(116), // ESTALE
  OUT_OF_MEMORY(12), // ENOMEM
  NO_SPACE(28), // ENOSPC
  BUSY(16), // EBUSY
  ALREADY(114), // EALREADY
  NO_DEVICE(19), // ENODEV
  NO_BUFFERS(105), // ENOBUFS
  MESSAGE_TOO_LONG(90), // EMSGSIZE
  HOST_UNREACHABLE(113), // EHOSTUNREACH
  FAMILY_NOT_SUPPORTED(97), // EAFNOSUPPORT
  NOT_SUPPORTED(95), // ENOTSUP
  OTHER(-1);

  private final int errno;

  NativeError(int errno) {
    this.errno = errno;
  }

  public int errno() {
    return errno;
  }

  static NativeError of(int rc) {
    int errno = -rc;
    for (NativeError e : values()) {
      if (e.errno == errno) {
        return e;
      }
    }
    return OTHER;
  }
}
