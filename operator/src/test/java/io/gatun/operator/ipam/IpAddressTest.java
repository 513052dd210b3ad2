package io.gatun.operator.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {

  @ParameterizedTest
  @CsvSource({
    "198.18.0.200, 198.18.0.200",
    "0.0.0.0, 0.0.0.0",
    "255.255.255.255, 255.255.255.255",
    "2001:2::1, 2001:2::1",
    "2001:0002:0000:0000:0000:0000:0000:0001, 2001:2::1",
    "2001:DB8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "::, ::",
    "::1, ::1",
    "fe80::, fe80::"
  })
  void printsTheCanonicalForm(String text, String canonical) {
    assertThat(IpAddress.parse(text).toString()).isEqualTo(canonical);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "198.18.0",
        "198.18.0.256",
        "198.18.00.1",
        "010.1.1.1",
        "1.2.3.4.5",
        "example.com",
        "::ffff:198.18.0.1",
        "fe80::1%eth0",
        "[2001:2::1]",
        "2001:2::1::2",
        "2001:2:g::1"
      })
  void refusesWhatIsNotAnAddress(String text) {
    assertThatThrownBy(() -> IpAddress.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  /** Each refusal names the text and says what to write instead. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "198.18.0.300 | \"198.18.0.300\" has an octet above 255 (300): write each of its four"
            + " numbers as 0 to 255",
        "web.example.com | \"web.example.com\" is a host name, not an address: write the IP"
            + " address it stands for (names are never resolved)",
        "backend-1 | \"backend-1\" is a host name, not an address: write the IP address it"
            + " stands for (names are never resolved)",
        "198.18.0.10:8080 | \"198.18.0.10:8080\" has a port: write the address alone"
            + " (198.18.0.10); a port goes in its own field",
        "1.2.3 | \"1.2.3\" is not an IPv4 or IPv6 address: write an IPv4 address (four numbers 0"
            + " to 255, such as 198.18.0.10) or an IPv6 address (such as 2001:db8::10)",
        "fe80::1%eth0 | \"fe80::1%eth0\": zones and brackets are not allowed: write the bare"
            + " address, fe80::1",
        "[2001:2::1]:80 | \"[2001:2::1]:80\": zones and brackets are not allowed: write the bare"
            + " address, 2001:2::1"
      })
  void saysWhatToWriteInstead(String text, String message) {
    assertThatThrownBy(() -> IpAddress.parse(text)).hasMessage(message);
  }

  @ParameterizedTest
  @CsvSource({"198.18.0.255, 198.18.1.0", "2001:2::ffff, 2001:2::1:0"})
  void countsOnAcrossBoundaries(String text, String next) {
    assertThat(IpAddress.parse(text).next()).isEqualTo(IpAddress.parse(next));
  }

  @ParameterizedTest
  @CsvSource({"198.18.0.9, 198.18.0.10", "198.18.0.10, 2001:2::1", "2001:2::1, 2001:2::2"})
  void ordersIpv4BeforeIpv6ThenByValue(String lower, String higher) {
    assertThat(IpAddress.parse(lower)).isLessThan(IpAddress.parse(higher));
  }
}
