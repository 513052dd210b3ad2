package io.gatun.forwarder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatun.forwarder.control.ControlTransport;
import io.gatun.fwd.PortSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForwarderConfigTest {
  private static final List<String> BASE =
      List.of(
          "--name",
          "fwd-1",
          "--operator",
          "gatun-operator:9100",
          "--eal",
          "-l 0-1 --no-pci",
          "--port",
          "net_af_packet0,iface=eth1@198.18.0.2/24");

  private static ForwarderConfig parse(String... extra) {
    List<String> args = new ArrayList<>(BASE);
    args.addAll(List.of(extra));
    return ForwarderConfig.parse(args.toArray(String[]::new));
  }

  @Test
  void mutualTlsFromFilesWithAnOptionalServerName() {
    ForwarderConfig c =
        parse(
            "--tls-cert",
            "/tls/tls.crt",
            "--tls-key",
            "/tls/tls.key",
            "--tls-ca",
            "/tls/ca.crt",
            "--tls-server-name",
            "gatun-operator.gatun-system.svc");

    ControlTransport.Tls tls = c.tls().orElseThrow();
    assertThat(tls.certificateChain()).isEqualTo(Path.of("/tls/tls.crt"));
    assertThat(tls.privateKey()).isEqualTo(Path.of("/tls/tls.key"));
    assertThat(tls.trustedCa()).isEqualTo(Path.of("/tls/ca.crt"));
    assertThat(tls.serverName()).contains("gatun-operator.gatun-system.svc");
    assertThat(c.metricsAddress().getPort()).isEqualTo(9101);
  }

  @Test
  void plaintextOnlyWhenAskedForAndNeverTogetherWithTls() {
    assertThat(parse("--plaintext").tls()).isEmpty();
    assertThatThrownBy(() -> parse()).hasMessageContaining("either --tls-cert");
    assertThatThrownBy(() -> parse("--plaintext", "--tls-ca", "/ca.crt"))
        .hasMessageContaining("either --tls-cert");
    assertThatThrownBy(() -> parse("--tls-cert", "/a", "--tls-key", "/b"))
        .hasMessageContaining("all of --tls-cert, --tls-key and --tls-ca");
  }

  @Test
  void portsTakeAnAddressPerFamilyEachWithAnOptionalGateway() {
    PortSpec p =
        ForwarderConfig.port("net_af_packet0,iface=eth1@198.18.0.2/24@198.18.0.1@2001:2::2/64");

    assertThat(p.devargs()).isEqualTo("net_af_packet0,iface=eth1");
    assertThat(p.addresses()).hasSize(2);
    assertThat(p.addresses().get(0).gateway().orElseThrow().getHostAddress())
        .isEqualTo("198.18.0.1");
    assertThat(p.addresses().get(1).prefixLength()).isEqualTo(64);
    assertThat(p.addresses().get(1).gateway()).isEmpty();
    assertThatThrownBy(() -> ForwarderConfig.port("net_null0@198.18.0.1"))
        .hasMessageContaining("neither ADDRESS/PREFIX nor the gateway");
  }

  @Test
  void theMetricsAddressIsAnAddressLiteralAndPort() {
    assertThat(parse("--plaintext", "--metrics-address", "127.0.0.1:0").metricsAddress().getPort())
        .isZero();
    assertThat(
            parse("--plaintext", "--metrics-address", "[::1]:9200")
                .metricsAddress()
                .getAddress()
                .getHostAddress())
        .isEqualTo("0:0:0:0:0:0:0:1");
    assertThatThrownBy(() -> parse("--plaintext", "--metrics-address", "localhost:9101"))
        .hasMessageContaining("ADDRESS:PORT");
  }

  @Test
  void aPortWithoutAddressesTakesThemFromTheNodesAddressFile(@TempDir Path dir) throws IOException {
    Path file =
        Files.writeString(dir.resolve("node-1"), "198.18.0.2/24@198.18.0.1\n2001:2::2/64\n");
    ForwarderConfig c =
        ForwarderConfig.parse(
            new String[] {
              "--name",
              "n",
              "--operator",
              "o:1",
              "--plaintext",
              "--eal",
              "-l 0-1 --no-pci",
              "--port",
              "net_af_packet0,iface=eth1",
              "--port-address-file",
              file.toString(),
              "--termination-log",
              "/dev/termination-log"
            },
            Map.of());
    PortSpec port = c.ports().getFirst();
    assertThat(port.devargs()).isEqualTo("net_af_packet0,iface=eth1");
    assertThat(port.addresses()).hasSize(2);
    assertThat(port.addresses().getFirst().gateway()).isPresent();
    assertThat(c.ealArgs()).containsExactly("-l", "0-1", "--no-pci");
  }

  @Test
  void aNodeWithoutAnAddressFileIsToldWhereToAddOne(@TempDir Path dir) {
    assertThatThrownBy(
            () ->
                ForwarderConfig.parse(
                    new String[] {
                      "--name",
                      "n",
                      "--operator",
                      "o:1",
                      "--plaintext",
                      "--eal",
                      "-l 0-1",
                      "--port",
                      "net_af_packet0,iface=eth1",
                      "--port-address-file",
                      dir.resolve("node-7").toString()
                    },
                    Map.of()))
        .hasMessageContaining("node-7 does not exist")
        .hasMessageContaining("spec.dataPort.addresses");
  }

  @Test
  void aVirtualFunctionIsThePciDeviceTheDevicePluginNamedAndOnlyItIsProbed(@TempDir Path dir)
      throws IOException {
    Path file = Files.writeString(dir.resolve("node-1"), "198.18.0.2/24\n");
    String[] args = {
      "--name",
      "n",
      "--operator",
      "o:1",
      "--plaintext",
      "--eal",
      "-l 0-1",
      "--port-pci-env",
      "PCIDEVICE_INTEL_COM_SRIOV",
      "--port-address-file",
      file.toString()
    };
    ForwarderConfig c =
        ForwarderConfig.parse(
            args, Map.of("PCIDEVICE_INTEL_COM_SRIOV", "0000:3b:02.1,0000:3b:02.2"));
    assertThat(c.ports().getFirst().devargs()).isEqualTo("0000:3b:02.1");
    assertThat(c.ealArgs()).containsExactly("-l", "0-1", "-a", "0000:3b:02.1");

    assertThatThrownBy(() -> ForwarderConfig.parse(args, Map.of()))
        .hasMessageContaining("PCIDEVICE_INTEL_COM_SRIOV is not set")
        .hasMessageContaining("spec.dataPort.virtualFunction.resourceName");
  }

  @Test
  void theTerminationLogIsFoundEvenWhenTheRestCannotBeParsed() {
    assertThat(ForwarderConfig.terminationLog(new String[] {"--bogus", "--termination-log", "/x"}))
        .contains(Path.of("/x"));
    assertThat(ForwarderConfig.terminationLog(new String[] {"--name", "n"})).isEmpty();
  }

  @Test
  void aFleetFromItsKeyFileAndClusterIdWithDefaults(@TempDir Path dir) throws IOException {
    Path key = dir.resolve("key");
    Files.writeString(key, "0123456789abcdef0123456789abcdef\n");
    ForwarderConfig c =
        parse(
            "--plaintext",
            "--fleet-key-file",
            key.toString(),
            "--cluster-id",
            "prod",
            "--fleet-gateway",
            "198.18.0.1",
            "--idle-sleep-us",
            "500");

    var fleet = c.fleet().orElseThrow();
    assertThat(fleet.key().clusterId()).isEqualTo("prod");
    assertThat(fleet.interval()).isEqualTo(java.time.Duration.ofMillis(100));
    assertThat(fleet.multiplier()).isEqualTo(3);
    assertThat(fleet.gateways()).extracting(a -> a.getHostAddress()).containsExactly("198.18.0.1");
    assertThat(c.idleSleepMicros()).isEqualTo(500);
    assertThat(parse("--plaintext").fleet()).as("no fleet: every VIP").isEmpty();
  }

  @Test
  void fleetFlagsAreCheckedNamingTheFlag(@TempDir Path dir) throws IOException {
    Path key = dir.resolve("key");
    Files.writeString(key, "0123456789abcdef");
    String k = key.toString();
    assertThatThrownBy(() -> parse("--plaintext", "--cluster-id", "prod"))
        .hasMessageContaining("both --fleet-key-file and --cluster-id");
    assertThatThrownBy(() -> parse("--plaintext", "--fleet-gateway", "198.18.0.1"))
        .hasMessageContaining("--fleet-gateway needs a fleet");
    assertThatThrownBy(
            () ->
                parse(
                    "--plaintext",
                    "--fleet-key-file",
                    k,
                    "--cluster-id",
                    "p",
                    "--fleet-interval-ms",
                    "5"))
        .hasMessageContaining("--fleet-interval-ms is 5");
    assertThatThrownBy(() -> parse("--plaintext", "--fleet-multiplier", "x"))
        .hasMessageContaining("--fleet-multiplier wants a whole number");
    assertThatThrownBy(
            () ->
                parse(
                    "--plaintext",
                    "--fleet-key-file",
                    dir.resolve("none").toString(),
                    "--cluster-id",
                    "p"))
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> parse("--plaintext", "--idle-sleep-us", "200000"))
        .hasMessageContaining("--idle-sleep-us is 200000");
  }
}
