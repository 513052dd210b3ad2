package io.gatun.forwarder.fleet;

import io.gatun.fwd.Punted;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/**
 * What the fleet needs from the data plane (the bindings' {@code DataPlane} calls of the same
 * names); a seam so ownership is testable without DPDK.
 */
public interface FleetDataPlane {
  int portCount();

  byte[] portMac(int port);

  boolean linkUp(int port);

  /** Each worker's loop count: one that stops growing is stuck. */
  long[] workerLoops();

  /** False when worker 0 is not looping (its queue is full): the frame was not sent. */
  boolean sendFrame(int port, byte[] frame);

  Optional<Punted> readPunted();

  /** Answer ARP/NDP only for these (VIPs and return-path gateways); forward every VIP anyway. */
  void setOwned(Collection<InetAddress> addresses);

  /** Answer for every VIP of the configuration: the default, a forwarder without a fleet. */
  void ownEveryVip();

  void announce(InetAddress address, int count, Duration interval);

  /** A data plane without ports: nothing to send, nothing heard (the agent's own tests). */
  FleetDataPlane NONE =
      new FleetDataPlane() {
        @Override
        public int portCount() {
          return 0;
        }

        @Override
        public byte[] portMac(int port) {
          throw new IndexOutOfBoundsException(port);
        }

        @Override
        public boolean linkUp(int port) {
          return false;
        }

        @Override
        public long[] workerLoops() {
          return new long[0];
        }

        @Override
        public boolean sendFrame(int port, byte[] frame) {
          return false;
        }

        @Override
        public Optional<Punted> readPunted() {
          return Optional.empty();
        }

        @Override
        public void setOwned(Collection<InetAddress> addresses) {}

        @Override
        public void ownEveryVip() {}

        @Override
        public void announce(InetAddress address, int count, Duration interval) {}
      };
}
