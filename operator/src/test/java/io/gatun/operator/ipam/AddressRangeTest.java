package io.gatun.operator.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressRangeTest {

  @ParameterizedTest
  @CsvSource({
    "198.18.0.200/29, 198.18.0.200, 198.18.0.207, 8",
    "198.18.0.10-198.18.0.20, 198.18.0.10, 198.18.0.20, 11",
    "198.18.0.5, 198.18.0.5, 198.18.0.5, 1",
    "198.18.0.5/32, 198.18.0.5, 198.18.0.5, 1",
    "2001:2::/120, 2001:2::, 2001:2::ff, 256"
  })
  void parsesCidrsRangesAndSingleAddresses(String text, String first, String last, long size) {
    var range = AddressRange.parse(text);
    assertThat(range.first()).isEqualTo(IpAddress.parse(first));
    assertThat(range.last()).isEqualTo(IpAddress.parse(last));
    assertThat(range.size()).isEqualTo(BigInteger.valueOf(size));
  }

  @Test
  void namesTheNetworkWhenHostBitsAreSet() {
    assertThatThrownBy(() -> AddressRange.parse("198.18.0.201/29"))
        .hasMessageContaining("did you mean 198.18.0.200/29?");
  }

  @Test
  void refusesBackwardsAndMixedRanges() {
    assertThatThrownBy(() -> AddressRange.parse("198.18.0.20-198.18.0.10"))
        .hasMessage(
            "\"198.18.0.20-198.18.0.10\": 198.18.0.20-198.18.0.10 ends before it starts: write"
                + " the lower address first, 198.18.0.10-198.18.0.20");
    assertThatThrownBy(() -> AddressRange.parse("198.18.0.1-2001:2::1"))
        .hasMessage(
            "\"198.18.0.1-2001:2::1\": 198.18.0.1-2001:2::1 mixes IPv4 and IPv6: a range is of one"
                + " family, so list the IPv4 and the IPv6 addresses as separate entries");
    assertThatThrownBy(() -> AddressRange.parse("198.18.0.0/33"))
        .hasMessage("\"198.18.0.0/33\": prefix length must be 0-32 for IPv4");
    assertThatThrownBy(() -> AddressRange.parse("198.18.0.0/x"))
        .hasMessage(
            "\"198.18.0.0/x\" has no valid prefix length: write a number from 0 to 32 after the"
                + " slash");
  }

  @Test
  void aPoolReportsEveryBadEntryAndRefusesOverlaps() {
    assertThatThrownBy(() -> PoolAddresses.parse("p", List.of("198.18.0.1/33", "nonsense"), true))
        .hasMessageContaining("prefix length")
        .hasMessageContaining("nonsense");
    assertThatThrownBy(
            () -> PoolAddresses.parse("p", List.of("198.18.0.0/29", "198.18.0.7-198.18.0.9"), true))
        .hasMessage(
            "ranges 198.18.0.0-198.18.0.7 and 198.18.0.7-198.18.0.9 overlap: list each address"
                + " once, e.g. the two as one range 198.18.0.0-198.18.0.9");
    assertThatThrownBy(
            () -> PoolAddresses.parse("p", List.of("198.18.0.0/24", "198.18.0.7-198.18.0.9"), true))
        .as("one range inside the other")
        .hasMessageEndingWith("one range 198.18.0.0-198.18.0.255");
  }

  @Test
  void aPoolCountsCapacityPerFamily() {
    var pool =
        PoolAddresses.parse("p", List.of("198.18.0.0/30", "198.18.1.1", "2001:2::/64"), true);
    assertThat(pool.capacity(IpFamily.IPV4)).isEqualTo(BigInteger.valueOf(5));
    assertThat(pool.capacity(IpFamily.IPV6)).isEqualTo(BigInteger.TWO.pow(64));
  }

  @Test
  void countsTheAddressesAvoidBuggyIpsSkips() {
    assertThat(AddressRange.parse("198.18.0.0/23").buggyCount()).isEqualTo(BigInteger.valueOf(4));
    assertThat(AddressRange.parse("198.18.0.0/22").buggyCount()).isEqualTo(BigInteger.valueOf(8));
    assertThat(AddressRange.parse("198.18.4.255-198.18.5.1").buggyCount())
        .isEqualTo(BigInteger.TWO);
    assertThat(AddressRange.parse("198.18.0.1-198.18.0.254").buggyCount()).isZero();
    assertThat(AddressRange.parse("2001:2::/120").buggyCount()).isZero();
    assertThat(
            PoolAddresses.parse("p", List.of("198.18.0.0/24"), true, true).capacity(IpFamily.IPV4))
        .isEqualTo(BigInteger.valueOf(254));
  }
}
