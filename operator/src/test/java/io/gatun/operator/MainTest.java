package io.gatun.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void defaultsToAllInterfacesOnPort9100() {
    var options = Main.parse();

    assertThat(options.grpcAddress()).isEqualTo(new InetSocketAddress("0.0.0.0", 9100));
    assertThat(options.defaultClass()).isFalse();
  }

  @Test
  void takesTheGrpcAddressInBothSpellings() {
    assertThat(Main.parse("--grpc-address", "127.0.0.1:19100").grpcAddress())
        .isEqualTo(new InetSocketAddress("127.0.0.1", 19100));
    assertThat(Main.parse("--grpc-address=[::1]:0").grpcAddress())
        .isEqualTo(new InetSocketAddress("::1", 0));
  }

  @Test
  void takesTheDefaultClassFlag() {
    assertThat(Main.parse("--default-class").defaultClass()).isTrue();
    assertThat(Main.parse("--default-class=false").defaultClass()).isFalse();
  }

  @Test
  void refusesWhatItDoesNotKnow() {
    assertThatThrownBy(() -> Main.parse("--grpc-adress", "x"))
        .hasMessageContaining("unknown argument");
    assertThatThrownBy(() -> Main.parse("--grpc-address", "localhost"))
        .hasMessageContaining("host:port");
    assertThatThrownBy(() -> Main.parse("--default-class=yes"))
        .hasMessageContaining("true or false");
    assertThat(Main.parse("--help")).isNull();
  }
}
