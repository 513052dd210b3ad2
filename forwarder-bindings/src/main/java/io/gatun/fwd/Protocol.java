package io.gatun.fwd;

import io.gatun.fwd.raw.GatunFwd;

/** L4 protocols a virtual service can carry: {@code enum gfwd_proto}, IANA protocol numbers. */
public enum Protocol implements NativeCode {
  TCP(GatunFwd.PROTO_TCP),
  UDP(GatunFwd.PROTO_UDP),
  SCTP(GatunFwd.PROTO_SCTP);

  private final int code;

  Protocol(int code) {
    this.code = code;
  }

  @Override
  public int code() {
    return code;
  }

  public static Protocol of(int code) {
    return NativeCode.of(Protocol.class, code);
  }
}
