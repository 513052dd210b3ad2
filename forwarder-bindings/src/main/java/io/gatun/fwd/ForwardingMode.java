package io.gatun.fwd;

/** How packets reach backends; codes mirror {@code enum gfwd_mode}. */
public enum ForwardingMode {
  FULL_NAT(1),
  NAT(2),
  DSR(3),
  DSR_IPIP(4);

  final int code;

  ForwardingMode(int code) {
    this.code = code;
  }
}
