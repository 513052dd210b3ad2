package io.gatun.forwarder.fleet;

import io.gatun.control.Address;
import io.gatun.fwd.Punted;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A data plane of one live port that records what it was told to answer for and to announce
 * (addresses as text); it sends nothing and hears nothing. For the announcers' tests.
 */
public final class RecordingDataPlane implements FleetDataPlane {
  /** The addresses answered for; "*" for every VIP (the data plane's default). */
  public Set<String> answers = Set.of("*");

  /** Every announcement, in order. */
  public final List<String> announced = new ArrayList<>();

  @Override
  public int portCount() {
    return 1;
  }

  @Override
  public byte[] portMac(int port) {
    return new byte[] {2, 0, 0, 0, 0, 1};
  }

  @Override
  public boolean linkUp(int port) {
    return true;
  }

  @Override
  public long[] workerLoops() {
    return new long[] {1};
  }

  @Override
  public boolean sendFrame(int port, byte[] frame) {
    return true;
  }

  @Override
  public Optional<Punted> readPunted() {
    return Optional.empty();
  }

  @Override
  public void setOwned(Collection<InetAddress> addresses) {
    Set<String> next = new TreeSet<>();
    addresses.forEach(a -> next.add(Address.text(a)));
    answers = next;
  }

  @Override
  public void ownEveryVip() {
    answers = Set.of("*");
  }

  @Override
  public void announce(InetAddress address, int count, Duration interval) {
    announced.add(Address.text(address));
  }
}
