package io.gatun.forwarder.fleet;

import io.gatun.control.Address;
import io.gatun.fwd.Punted;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An Ethernet segment in memory: every frame a member sends reaches every other member's punt
 * queue, as the data plane punts fleet frames. Each member records what its data plane was told.
 */
final class Segment {
  private final List<Member> members = new CopyOnWriteArrayList<>();

  /** Pairs of members whose frames do not reach each other (a partition), by MAC's last byte. */
  final Set<String> cut = java.util.concurrent.ConcurrentHashMap.newKeySet();

  void partition(Member a, Member b) {
    cut.add(a.mac[5] + "-" + b.mac[5]);
    cut.add(b.mac[5] + "-" + a.mac[5]);
  }

  void heal() {
    cut.clear();
  }

  Member join(int n) {
    Member m = new Member(n);
    members.add(m);
    return m;
  }

  /** A frame from outside the fleet (the client's namespace). */
  void inject(byte[] frame) {
    members.forEach(m -> m.punted.add(new Punted.FleetFrame(0, frame)));
  }

  final class Member implements FleetDataPlane {
    final byte[] mac;
    final Deque<Punted> punted = new ArrayDeque<>();
    final List<String> announced = new ArrayList<>();

    /** How many gratuitous ARPs the last announcement asked for. */
    int lastGarpCount;

    /** Advertisements sent (and not swallowed by a dead link or a kill). */
    long framesSent;

    /** "*": every VIP, the data plane's default before the agent sets an owned set. */
    volatile Set<String> owned = Set.of("*");

    volatile boolean linkUp = true;

    /** False: it sends nothing (killed, or its worker stopped). */
    volatile boolean sending = true;

    long loops;

    /** False: its worker is not scheduled (a busy machine), its loop count stands still. */
    volatile boolean looping = true;

    Member(int n) {
      this.mac = new byte[] {2, 0, 0, 0, 0, (byte) n};
    }

    @Override
    public int portCount() {
      return 1;
    }

    @Override
    public byte[] portMac(int port) {
      return mac.clone();
    }

    @Override
    public boolean linkUp(int port) {
      return linkUp;
    }

    @Override
    public long[] workerLoops() {
      return new long[] {looping ? ++loops : loops};
    }

    @Override
    public boolean sendFrame(int port, byte[] frame) {
      if (!sending || !linkUp) {
        return sending;
      }
      framesSent++;
      for (Member m : members) {
        if (m != this && m.linkUp && !cut.contains(mac[5] + "-" + m.mac[5])) {
          m.punted.add(new Punted.FleetFrame(0, frame));
        }
      }
      return true;
    }

    @Override
    public Optional<Punted> readPunted() {
      return Optional.ofNullable(punted.poll());
    }

    @Override
    public void setOwned(Collection<InetAddress> addresses) {
      Set<String> next = new TreeSet<>();
      addresses.forEach(a -> next.add(Address.text(a)));
      owned = next;
    }

    @Override
    public void ownEveryVip() {
      owned = Set.of("*");
    }

    @Override
    public void announce(InetAddress address, int count, Duration interval) {
      announced.add(Address.text(address));
      lastGarpCount = count;
    }
  }
}
