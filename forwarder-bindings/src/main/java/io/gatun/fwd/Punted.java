package io.gatun.fwd;

import java.util.Arrays;

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
}
