package io.gatun.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatun.control.v1.Family;
import java.net.Inet6Address;
import org.junit.jupiter.api.Test;

/** The one address parser both ends of the control channel use. */
class AddressTest {

  @Test
  void parsesOnceIntoFamilyAndBytesAndWritesTheCanonicalText() {
    Address v4 = Address.parse("198.18.0.11");
    Address v6 = Address.parse("2001:0002:0000:0000:0000:0000:0000:0011");

    assertThat(v4.family()).isEqualTo(Family.IPV4);
    assertThat(v4.bytes()).containsExactly(198, 18, 0, 11);
    assertThat(v6.family()).isEqualTo(Family.IPV6);
    assertThat(v6.bytes()).hasSize(16);
    assertThat(v6).hasToString("2001:2::11");
    assertThat(Address.parse(v6.toString())).isEqualTo(v6);
    assertThat(Address.of(v4.bytes())).isEqualTo(v4);
    assertThat(v4.toInetAddress().getHostAddress()).isEqualTo("198.18.0.11");
    assertThat(v6.toInetAddress()).isInstanceOf(Inet6Address.class);
  }

  @Test
  void refusesWhatIsNotAnAddressSayingWhatToWrite() {
    assertThatThrownBy(() -> Address.parse("backend.example"))
        .hasMessageContaining("is a host name, not an address");
    assertThatThrownBy(() -> Address.parse("198.18.0.11:8080"))
        .hasMessageContaining("has a port: write the address alone (198.18.0.11)");
    assertThatThrownBy(() -> Address.parse("010.1.1.1"))
        .hasMessageContaining("is not an IPv4 or IPv6 address");
    assertThatThrownBy(() -> Address.parse("::ffff:198.18.0.1"))
        .hasMessageContaining("write the IPv4 address instead");
    assertThatThrownBy(() -> Address.of(new byte[5])).hasMessageContaining("4 (IPv4) or 16");
  }
}
