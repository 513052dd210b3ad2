package io.gatun.forwarder.health.raw;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc socket calls the raw probes need (the JDK has no raw IP sockets), each a {@code
 * static final} downcall that captures {@code errno}. Linux x86-64/aarch64 constants.
 */
final class Libc {
  static final int AF_INET = 2;
  static final int SOCK_RAW = 3;
  static final int SOL_SOCKET = 1;
  static final int SO_RCVTIMEO = 20;
  static final int EAGAIN = 11;
  static final int EINTR = 4;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO = CAPTURE.varHandle(PathElement.groupElement("errno"));

  /** {@code int socket(int domain, int type, int protocol)} */
  static final MethodHandle SOCKET =
      downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));

  /** {@code ssize_t sendto(int, const void *, size_t, int, const struct sockaddr *, socklen_t)} */
  static final MethodHandle SENDTO =
      downcall(
          "sendto",
          FunctionDescriptor.of(
              JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

  /** {@code ssize_t recv(int, void *, size_t, int)} */
  static final MethodHandle RECV =
      downcall("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

  /** {@code int setsockopt(int, int, int, const void *, socklen_t)} */
  static final MethodHandle SETSOCKOPT =
      downcall(
          "setsockopt",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));

  /** {@code int close(int)} */
  static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

  /** {@code char *strerror(int)}: only for messages. */
  private static final MethodHandle STRERROR =
      plainDowncall("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

  private Libc() {}

  /** A per-call errno slot: pass as the first argument of a capturing downcall. */
  static MemorySegment errnoSlot(Arena arena) {
    return arena.allocate(CAPTURE);
  }

  static int errno(MemorySegment slot) {
    return (int) ERRNO.get(slot, 0L);
  }

  @SuppressWarnings("restricted")
  static String describe(int errno) {
    try {
      MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
      return s.reinterpret(256).getString(0); // libc's messages are short and NUL-terminated
    } catch (Throwable t) {
      return "errno " + errno;
    }
  }

  @SuppressWarnings("restricted")
  private static MethodHandle plainDowncall(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), descriptor);
  }

  @SuppressWarnings("restricted")
  private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(
        LINKER.defaultLookup().findOrThrow(name),
        descriptor,
        Linker.Option.captureCallState("errno"));
  }
}
