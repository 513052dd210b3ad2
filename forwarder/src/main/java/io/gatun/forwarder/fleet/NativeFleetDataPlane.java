package io.gatun.forwarder.fleet;

import io.gatun.fwd.DataPlane;
import io.gatun.fwd.Punted;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/** The real data plane behind the fleet's seam. */
public final class NativeFleetDataPlane implements FleetDataPlane {
  private final DataPlane dataPlane;
  private final int ports;

  public NativeFleetDataPlane(DataPlane dataPlane, int ports) {
    this.dataPlane = dataPlane;
    this.ports = ports;
  }

  @Override
  public int portCount() {
    return ports;
  }

  @Override
  public byte[] portMac(int port) {
    return dataPlane.portMac(port);
  }

  @Override
  public boolean linkUp(int port) {
    return dataPlane.linkUp(port);
  }

  @Override
  public long[] workerLoops() {
    return dataPlane.workerLoops();
  }

  @Override
  public boolean sendFrame(int port, byte[] frame) {
    return dataPlane.sendFrame(port, frame);
  }

  @Override
  public Optional<Punted> readPunted() {
    return dataPlane.readPunted();
  }

  @Override
  public void setOwned(Collection<InetAddress> addresses) {
    dataPlane.setOwned(addresses);
  }

  @Override
  public void ownEveryVip() {
    dataPlane.ownEveryVip();
  }

  @Override
  public void announce(InetAddress address, int count, Duration interval) {
    dataPlane.announce(address, count, interval);
  }
}
