package io.gatun.forwarder.fleet;

import io.gatun.fwd.DataPlane;
import io.gatun.fwd.DataPlaneException;
import io.gatun.fwd.NativeError;
import io.gatun.fwd.Punted;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/** The real data plane behind the fleet's seam. */
public final class NativeFleetDataPlane implements FleetDataPlane {
  private final DataPlane dataPlane;
  private final int ports;
  private final AnnouncementBacklog backlog;

  public NativeFleetDataPlane(DataPlane dataPlane, int ports) {
    this.dataPlane = dataPlane;
    this.ports = ports;
    this.backlog = new AnnouncementBacklog(this::trySend);
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
    backlog.ownedNow(addresses);
  }

  @Override
  public void ownEveryVip() {
    dataPlane.ownEveryVip();
    backlog.ownEverything();
  }

  /** Now, or once the data plane has room (see {@link AnnouncementBacklog}). */
  @Override
  public void announce(InetAddress address, int count, Duration interval) {
    backlog.announce(new AnnouncementBacklog.Announcement(address, count, interval));
  }

  private boolean trySend(AnnouncementBacklog.Announcement a) {
    try {
      dataPlane.announce(a.address(), a.count(), a.interval());
      return true;
    } catch (DataPlaneException e) {
      if (e.error() == NativeError.BUSY) {
        return false;
      }
      throw e;
    }
  }
}
