package io.gatun.fwd;

/** L4 protocols a virtual service can carry; codes are IANA protocol numbers. */
public enum Protocol {
  TCP(6),
  UDP(17),
  SCTP(132);

  final int code;

  Protocol(int code) {
    this.code = code;
  }

  static Protocol of(int code) {
    for (Protocol p : values()) {
      if (p.code == code) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown protocol number " + code);
  }
}
