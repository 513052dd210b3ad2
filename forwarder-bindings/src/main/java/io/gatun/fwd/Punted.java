package io.gatun.fwd;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What the workers handed to the agent instead of answering or forwarding it ({@link
 * DataPlane#readPunted()}): the fleet's advertisements as they arrived, and address-conflict
 * reports.
 */
public sealed interface Punted {
  /** The data port it arrived on. */
  int port();

  /**
   * A frame of EtherType {@link DataPlane#FLEET_ETHERTYPE} to the fleet's group MAC (or this port's
   * MAC), Ethernet header first (an 802.1Q tag stays in place), unchecked: verifying it is the
   * agent's job.
   */
  record FleetFrame(int port, byte[] frame) implements Punted {
    public FleetFrame {
      frame = frame.clone();
    }

    @Override
    public byte[] frame() {
      return frame.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof FleetFrame f && f.port == port && Arrays.equals(f.frame, frame);
    }

    @Override
    public int hashCode() {
      return 31 * port + Arrays.hashCode(frame);
    }

    @Override
    public String toString() {
      return "FleetFrame[port=" + port + ", " + frame.length + " bytes]";
    }
  }

  /**
   * Another MAC claims an address this forwarder owns: an ARP whose sender address it is, a
   * neighbour advertisement whose target it is, or a solicitation from it. A peer forwarder's port
   * MAC means a healing partition, any other a foreign device. At most one per address per second
   * per worker; the data plane's {@code address_conflicts} counter counts every one.
   */
  record AddressConflict(int port, InetAddress address, byte[] mac, Via via) implements Punted {
    /** The protocol the claim came by. */
    public enum Via {
      ARP,
      NDP
    }

    public AddressConflict {
      if (mac.length != 6) {
        throw new IllegalArgumentException("a MAC has 6 bytes, not " + mac.length);
      }
      mac = mac.clone();
    }

    @Override
    public byte[] mac() {
      return mac.clone();
    }

    /** The MAC as {@code 02:00:00:00:00:ee}. */
    public String macText() {
      return HexFormat.ofDelimiter(":").formatHex(mac);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof AddressConflict c
          && c.port == port
          && c.address.equals(address)
          && Arrays.equals(c.mac, mac)
          && c.via == via;
    }

    @Override
    public int hashCode() {
      return (31 * port + address.hashCode()) * 31 + Arrays.hashCode(mac);
    }

    @Override
    public String toString() {
      return "AddressConflict[port="
          + port
          + ", "
          + address.getHostAddress()
          + " claimed by "
          + macText()
          + " via "
          + via
          + "]";
    }
  }
}
