package io.gatun.fwd;

import io.gatun.fwd.raw.GatunFwd;

/** How packets reach backends: {@code enum gfwd_mode}. */
public enum ForwardingMode implements NativeCode {
  FULL_NAT(GatunFwd.MODE_FULLNAT),
  NAT(GatunFwd.MODE_NAT),
  DSR(GatunFwd.MODE_DSR),
  DSR_IPIP(GatunFwd.MODE_DSR_IPIP);

  private final int code;

  ForwardingMode(int code) {
    this.code = code;
  }

  @Override
  public int code() {
    return code;
  }

  public static ForwardingMode of(int code) {
    return NativeCode.of(ForwardingMode.class, code);
  }
}
