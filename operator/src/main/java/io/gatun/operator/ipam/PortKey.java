package io.gatun.operator.ipam;

/** One port of a VIP, as sharing compares them: protocol and number. */
public record PortKey(String protocol, int port) {

  @Override
  public String toString() {
    return port + "/" + protocol;
  }
}
