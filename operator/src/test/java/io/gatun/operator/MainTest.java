package io.gatun.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatun.operator.control.ControlChannelSecurity;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
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
  void takesTheForwarderAndFrrImages() {
    var sets =
        Main.parse("--forwarder-image", "example/forwarder:2", "--frr-image=example/frr:2")
            .forwarderSets();
    assertThat(sets.defaultImage()).isEqualTo("example/forwarder:2");
    assertThat(sets.frrImage()).isEqualTo("example/frr:2");
    assertThat(Main.parse().forwarderSets().frrImage()).startsWith("docker.io/gatun/frr:");
  }

  @Test
  void takesTheDefaultClassFlag() {
    assertThat(Main.parse("--default-class").defaultClass()).isTrue();
    assertThat(Main.parse("--default-class=false").defaultClass()).isFalse();
  }

  @Test
  void takesTheDefaultClassFromTheEnvironmentUnlessTheFlagSaysOtherwise() {
    var on = Map.of("GATUN_DEFAULT_CLASS", "true");
    assertThat(Main.parse(on).defaultClass()).isTrue();
    assertThat(Main.parse(on, "--default-class=false").defaultClass()).isFalse();
    assertThat(Main.parse(Map.of("GATUN_DEFAULT_CLASS", "false")).defaultClass()).isFalse();
    assertThat(Main.parse(Map.of("GATUN_DEFAULT_CLASS", "")).defaultClass()).isFalse();
    assertThatThrownBy(() -> Main.parse(Map.of("GATUN_DEFAULT_CLASS", "yes")))
        .hasMessageContaining("GATUN_DEFAULT_CLASS takes true or false");
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

  @Test
  void choosesTheControlChannelSecurity() {
    assertThat(Main.parse().security()).isEqualTo(new ControlChannelSecurity.LoopbackOnly());
    assertThat(Main.parse("--plaintext").security())
        .isEqualTo(new ControlChannelSecurity.Plaintext());
    assertThat(
            Main.parse("--tls-cert", "c.pem", "--tls-key=k.pem", "--tls-ca", "ca.pem").security())
        .isEqualTo(
            new ControlChannelSecurity.TlsFiles(
                Path.of("c.pem"), Path.of("k.pem"), Path.of("ca.pem")));
    assertThat(Main.parse("--tls-secret", "gatun-system/control-tls").security())
        .isEqualTo(new ControlChannelSecurity.TlsSecret("gatun-system", "control-tls"));
    assertThat(Main.parse("--metrics-address", ":9090").metricsAddress())
        .isEqualTo(new InetSocketAddress("0.0.0.0", 9090));
  }

  @Test
  void refusesHalfOrConflictingTlsSettings() {
    assertThatThrownBy(() -> Main.parse("--tls-cert", "c.pem"))
        .hasMessage("--tls-cert, --tls-key and --tls-ca go together");
    assertThatThrownBy(() -> Main.parse("--tls-secret", "a/b", "--plaintext"))
        .hasMessage("choose one of --tls-cert/--tls-key/--tls-ca, --tls-secret and --plaintext");
    assertThatThrownBy(() -> Main.parse("--tls-secret", "nonamespace"))
        .hasMessageContaining("NAMESPACE/NAME");
  }

  @Test
  void withoutTlsOrPlaintextOnlyALoopbackAddressIsServed() {
    var security = new ControlChannelSecurity.LoopbackOnly();

    assertThat(security.credentials(null, new InetSocketAddress("127.0.0.1", 9100))).isNotNull();
    assertThatThrownBy(() -> security.credentials(null, new InetSocketAddress("0.0.0.0", 9100)))
        .hasMessage(
            "the control channel would listen on 0.0.0.0:9100 without TLS: give --tls-cert,"
                + " --tls-key and --tls-ca, or --tls-secret NAMESPACE/NAME, or say --plaintext");
  }
}
