package io.gatun.forwarder.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class HealthStatusTest {

  @Test
  void reportsAnIpv6BackendInTheOperatorsSpelling() {
    // The operator keys health by the snapshot's text, which is RFC 5952; Java's own text for
    // this address is 2001:2:0:0:0:0:0:b and would match no backend.
    var key = new BackendKey("default/web/http", InetAddress.ofLiteral("2001:2::b"), 8080);

    var report = new HealthStatus(key, false, "refused", "default/tcp", 1, 0).toProto();

    assertThat(report.getAddress()).isEqualTo("2001:2::b");
    assertThat(key).hasToString("default/web/http 2001:2::b:8080");
  }
}
