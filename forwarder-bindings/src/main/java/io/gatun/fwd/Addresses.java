package io.gatun.fwd;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Address literals only: never a DNS lookup on the control path. */
public final class Addresses {
  private Addresses() {}

  public static InetAddress parse(String literal) {
    String s = literal.strip();
    boolean v4 = s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean v6 = s.indexOf(':') >= 0 && s.matches("[0-9A-Fa-f:.]+");
    if (!v4 && !v6) {
      throw new IllegalArgumentException("not an IP address literal: " + literal);
    }
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address literal: " + literal, e);
    }
  }
}
