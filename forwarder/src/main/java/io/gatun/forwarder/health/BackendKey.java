package io.gatun.forwarder.health;

import io.gatun.control.Address;
import java.net.InetAddress;

/** One backend of one service: what health is tracked for and reported about. */
public record BackendKey(String serviceKey, InetAddress address, int port) {
  @Override
  public String toString() {
    return serviceKey + " " + Address.text(address) + ":" + port;
  }
}
