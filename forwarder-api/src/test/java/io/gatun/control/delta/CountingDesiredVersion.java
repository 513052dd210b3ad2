package io.gatun.control.delta;

import io.gatun.control.v1.BgpAdvertisement;
import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.BgpInstance;
import io.gatun.control.v1.FleetConfig;
import io.gatun.control.v1.FleetPool;
import io.gatun.control.v1.FleetVip;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.VirtualService;
import java.util.List;

/** A desired version that counts what a sender asks of it: what a keyed delta must not touch. */
public final class CountingDesiredVersion implements DesiredVersion {
  private final DesiredVersion inner;

  /** Services, fleet VIPs and complete snapshots asked for so far. */
  public int services;

  public int vips;
  public int completes;

  /** BGP advertisements looked up, and whole BGP configurations asked for. */
  public int bgpRoutes;

  public int wholeBgp;

  public CountingDesiredVersion(DesiredVersion inner) {
    this.inner = inner;
  }

  @Override
  public long version() {
    return inner.version();
  }

  @Override
  public Snapshot complete() {
    completes++;
    return inner.complete();
  }

  @Override
  public Changes changesSince(long since) {
    return inner.changesSince(since);
  }

  @Override
  public VirtualService service(String key) {
    services++;
    return inner.service(key);
  }

  @Override
  public FleetVip fleetVip(String address) {
    vips++;
    return inner.fleetVip(address);
  }

  @Override
  public List<FleetPool> fleetPools() {
    return inner.fleetPools();
  }

  @Override
  public FleetConfig fleet() {
    return inner.fleet();
  }

  @Override
  public BgpConfig bgp() {
    wholeBgp++;
    return inner.bgp();
  }

  @Override
  public BgpInstance bgpInstance() {
    return inner.bgpInstance();
  }

  @Override
  public BgpAdvertisement bgpAdvertisement(String prefix) {
    bgpRoutes++;
    return inner.bgpAdvertisement(prefix);
  }
}
