package io.gatun.forwarder.bgp;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.Address;
import io.gatun.control.v1.BgpAdvertisement;
import io.gatun.control.v1.BgpConfig;
import io.gatun.forwarder.fleet.LoneAnnouncer;
import io.gatun.forwarder.fleet.RecordingDataPlane;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** BGP VIPs are neither answered nor announced on the segment; L2 ones are, as before. */
class L2FeedTest {
  static final InetAddress L2 = ip("198.18.9.10");
  static final InetAddress BGP = ip("198.18.9.1");
  static final InetAddress BGP6 = ip("2001:2:9::1");

  private final RecordingDataPlane dataPlane = new RecordingDataPlane();
  private final LoneAnnouncer lone =
      new LoneAnnouncer(dataPlane, 3, Duration.ofMillis(1), new SimpleMeterRegistry());
  private final L2Feed feed = new L2Feed(lone);

  static InetAddress ip(String text) {
    return InetAddress.ofLiteral(text);
  }

  static BgpConfig advertising(String... prefixes) {
    BgpConfig.Builder c = BgpConfig.newBuilder().setLocalAsn(64512);
    for (String p : prefixes) {
      c.addAdvertisements(BgpAdvertisement.newBuilder().setPrefix(p).setPool("default/bgp"));
    }
    return c.build();
  }

  @Test
  void aBgpVipIsNeitherAnsweredNorAnnouncedOnTheSegment() {
    lone.start();
    feed.bgp(advertising("198.18.9.1/32", "2001:2:9:0::1/128"));
    feed.served(List.of(L2, BGP, BGP6));

    assertThat(dataPlane.answers).containsExactly("198.18.9.10");
    assertThat(dataPlane.announced).containsExactly("198.18.9.10");
    assertThat(lone.owned()).containsExactly("198.18.9.10");
  }

  @Test
  void onlyBgpVipsLeaveTheDataPlaneAnsweringForNone() {
    lone.start();
    feed.bgp(advertising("198.18.9.1/32"));
    feed.served(List.of(BGP));

    assertThat(dataPlane.answers).as("not the data plane's every-VIP default").isEmpty();
    assertThat(dataPlane.announced).isEmpty();
  }

  @Test
  void aPoolSwitchedFromL2ToBgpIsWithdrawnFromTheSegmentAndBackAgain() {
    lone.start();
    feed.bgp(BgpConfig.getDefaultInstance());
    feed.served(List.of(L2, BGP));
    assertThat(dataPlane.answers).containsExactly("198.18.9.1", "198.18.9.10");

    feed.bgp(advertising("198.18.9.1/32"));
    assertThat(dataPlane.answers).containsExactly("198.18.9.10");

    feed.bgp(BgpConfig.getDefaultInstance());
    assertThat(dataPlane.answers).containsExactly("198.18.9.1", "198.18.9.10");
    assertThat(dataPlane.announced)
        .as("announced when it became L2 again")
        .containsExactly("198.18.9.1", "198.18.9.10", "198.18.9.1");
  }

  @Test
  void natVipsOfBgpPoolsAreNotOwnedWithTheGatewayEither() {
    List<List<String>> natTold = new ArrayList<>();
    var recording =
        new io.gatun.forwarder.fleet.Announcer() {
          @Override
          public void start() {}

          @Override
          public void serve(Collection<InetAddress> vips) {}

          @Override
          public void serveNat(Collection<InetAddress> vips) {
            natTold.add(vips.stream().map(Address::text).toList());
          }

          @Override
          public List<String> owned() {
            return List.of();
          }

          @Override
          public void describe(io.gatun.control.v1.Observation.Builder observation) {}

          @Override
          public void leave() {}

          @Override
          public Duration drainGrace() {
            return Duration.ZERO;
          }

          @Override
          public void close() {}
        };
    L2Feed f = new L2Feed(recording);
    f.bgp(advertising("198.18.9.1/32"));
    f.natServed(List.of(L2, BGP));

    assertThat(natTold).last().isEqualTo(List.of("198.18.9.10"));
  }

  @Test
  void anUnreadablePrefixWithholdsNothingAndBreaksNothing() {
    assertThat(L2Feed.vipsOf(advertising("not-an-address/32", "198.18.9.1/32")))
        .containsExactly("198.18.9.1");
  }
}
