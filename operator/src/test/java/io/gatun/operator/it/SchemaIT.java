package io.gatun.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gatun.operator.testing.Crds;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRDs' OpenAPI schemas as a real API server (1.20) enforces them: each invalid object below is
 * refused at creation with a message naming the field and what is wrong (1.20 leaves list indices
 * out of field paths). CEL rules are checked offline in CelRulesTest: 1.20 ignores them.
 */
@EnableKubeAPIServer(kubeAPIVersion = "1.20.2")
class SchemaIT {

  static KubernetesClient client;

  private static final String POOL = "Pool";
  private static final String LB = "LoadBalancer";
  private static final String PROBE = "HealthProbe";
  private static final String PORTS = "ports: [{name: http, port: 80}]\n";
  private static final String BACKENDS = "backends: {serviceRef: web}\n";

  @BeforeAll
  static void installCrds() throws Exception {
    Crds.install(client);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        // Pool
        refused(POOL, "autoAssign: true", "spec.addresses: Required value"),
        refused(POOL, "addresses: []", "spec.addresses in body should have at least 1 items"),
        refused(POOL, "addresses: [198.18.0.0/24x]", "spec.addresses in body should match"),
        refused(
            POOL,
            "addresses: [198.18.0.0/24]\nautoAssign: \"yes\"",
            "spec.autoAssign in body must be of type boolean"),
        refused(
            POOL,
            "addresses: [198.18.0.0/24]\nallocation: {priority: 0}",
            "spec.allocation.priority in body should be greater than or equal to 1"),
        refused(
            POOL,
            "addresses: [198.18.0.0/24]\nallocation: {namespaces: [Bad_NS]}",
            "spec.allocation.namespaces in body should match"),
        refused(
            POOL,
            "addresses: [198.18.0.0/24]\nannouncement: {mode: OSPF}",
            "spec.announcement.mode: Unsupported value: \"OSPF\": supported values: \"BGP\", \"L2\""),
        refused(
            POOL,
            "addresses: [198.18.0.0/24]\nannouncement: {mode: BGP, bgp: {localASN: 0, peers: [{address: 198.18.0.1, asn: 1}]}}",
            "spec.announcement.bgp.localASN in body should be greater than or equal to 1"),
        refused(
            POOL,
            "addresses: [198.18.0.0/24]\nannouncement: {mode: BGP, bgp: {localASN: 1, peers: [{address: 198.18.0.1, asn: 1, port: 70000}]}}",
            "spec.announcement.bgp.peers.port in body should be less than or equal to 65535"),
        refused(
            POOL,
            "addresses: [198.18.0.0/24]\nannouncement: {mode: BGP, bgp: {localASN: 1, peers: [], communities: [abc]}}",
            "spec.announcement.bgp.peers in body should have at least 1 items"),
        refused(
            POOL,
            "addresses: [198.18.0.0/24]\nannouncement: {mode: BGP, bgp: {localASN: 1, peers: [{address: 198.18.0.1, asn: 1}], communities: [abc]}}",
            "spec.announcement.bgp.communities in body should match"),
        refused(
            POOL,
            "addresses: [198.18.0.0/24]\nannouncement: {interfaces: [\"bad iface!\"]}",
            "spec.announcement.interfaces in body should match"),
        refused(
            POOL,
            "addresses: [198.18.0.0/24]\nannouncement: {mode: BGP, bgp: {localASN: 1, peers: [{address: 198.18.0.1, asn: 1}], bfd: {detectMultiplier: 1}}}",
            "spec.announcement.bgp.bfd.detectMultiplier in body should be greater than or equal to 2"),
        refused(
            POOL,
            "addresses: [198.18.0.0/24]\nannouncement: {mode: BGP, bgp: {localASN: 1, peers: [{asn: 1}]}}",
            "spec.announcement.bgp.peers.address: Required value"),
        // LoadBalancer
        refused(LB, BACKENDS, "spec.ports: Required value"),
        refused(LB, "ports: []\n" + BACKENDS, "spec.ports in body should have at least 1 items"),
        refused(
            LB,
            "ports: [{name: http, port: 0}]\n" + BACKENDS,
            "spec.ports.port in body should be greater than or equal to 1"),
        refused(
            LB,
            "ports: [{name: http, port: 70000}]\n" + BACKENDS,
            "spec.ports.port in body should be less than or equal to 65535"),
        refused(
            LB,
            "ports: [{name: http, port: 80, protocol: ICMP}]\n" + BACKENDS,
            "spec.ports.protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\""),
        refused(
            LB,
            "ports: [{name: HTTP, port: 80}]\n" + BACKENDS,
            "spec.ports.name in body should match"),
        refused(
            LB,
            "ports: [{name: a-very-long-port-name, port: 80}]\n" + BACKENDS,
            "spec.ports.name in body should be at most 15 chars long"),
        refused(LB, "ports: [{port: 80}]\n" + BACKENDS, "spec.ports.name: Required value"),
        refused(LB, PORTS, "spec.backends: Required value"),
        refused(
            LB,
            PORTS + "backends: {static: [{address: 198.18.0.1/32}]}",
            "spec.backends.static.address in body should match"),
        refused(
            LB,
            PORTS + "backends: {static: [{address: 198.18.0.1, weight: 0}]}",
            "spec.backends.static.weight in body should be greater than or equal to 1"),
        refused(
            LB,
            PORTS + "backends: {serviceRef: Web_Service}",
            "spec.backends.serviceRef in body should match"),
        refused(
            LB,
            PORTS + BACKENDS + "forwarding: {mode: Proxy}",
            "spec.forwarding.mode: Unsupported value: \"Proxy\": supported values: \"DSR\", \"FullNAT\", \"NAT\""),
        refused(
            LB,
            PORTS + BACKENDS + "forwarding: {mode: DSR, encapsulation: GRE}",
            "spec.forwarding.encapsulation: Unsupported value: \"GRE\""),
        refused(
            LB,
            PORTS + BACKENDS + "scheduling: Random",
            "spec.scheduling: Unsupported value: \"Random\""),
        refused(
            LB,
            PORTS + BACKENDS + "ipFamilyPolicy: DualStack",
            "spec.ipFamilyPolicy: Unsupported value: \"DualStack\""),
        refused(
            LB,
            PORTS + BACKENDS + "ipFamilies: [IPv5]",
            "spec.ipFamilies: Unsupported value: \"IPv5\""),
        refused(
            LB,
            PORTS + BACKENDS + "addresses: [198.18.0.1, 198.18.0.2, 2001:2::1]",
            "spec.addresses in body should have at most 2 items"),
        refused(
            LB,
            PORTS + BACKENDS + "addresses: [\"198.18.0.1/32\"]",
            "spec.addresses in body should match"),
        refused(LB, PORTS + BACKENDS + "sharingKey: -bad", "spec.sharingKey in body should match"),
        refused(
            LB,
            PORTS + BACKENDS + "maglevTableSize: 100",
            "spec.maglevTableSize in body should be greater than or equal to 251"),
        refused(
            LB,
            PORTS + BACKENDS + "externalTrafficPolicy: Node",
            "spec.externalTrafficPolicy: Unsupported value: \"Node\""),
        refused(
            LB,
            PORTS + BACKENDS + "sessionAffinity: {type: ClientIP, timeoutSeconds: 100000}",
            "spec.sessionAffinity.timeoutSeconds in body should be less than or equal to 86400"),
        refused(
            LB, PORTS + BACKENDS + "draining: {}", "spec.draining.timeoutSeconds: Required value"),
        refused(LB, PORTS + BACKENDS + "poolRef: Bad_Pool", "spec.poolRef in body should match"),
        refused(
            LB,
            PORTS + BACKENDS + "healthProbeRef: \"probe with spaces\"",
            "spec.healthProbeRef in body should match"),
        // HealthProbe
        refused(PROBE, "port: 80", "spec.type: Required value"),
        refused(PROBE, "type: GRPC", "spec.type: Unsupported value: \"GRPC\""),
        refused(
            PROBE,
            "type: TCP\nperiodMillis: 50",
            "spec.periodMillis in body should be greater than or equal to 100"),
        refused(
            PROBE,
            "type: TCP\ntimeoutMillis: 70000",
            "spec.timeoutMillis in body should be less than or equal to 60000"),
        refused(
            PROBE,
            "type: TCP\nhealthyThreshold: 0",
            "spec.healthyThreshold in body should be greater than or equal to 1"),
        refused(
            PROBE,
            "type: TCP\nunhealthyThreshold: 101",
            "spec.unhealthyThreshold in body should be less than or equal to 100"),
        refused(PROBE, "type: HTTP\nhttp: {path: healthz}", "spec.http.path in body should match"),
        refused(
            PROBE,
            "type: HTTP\nhttp: {method: PATCH}",
            "spec.http.method: Unsupported value: \"PATCH\""),
        refused(
            PROBE,
            "type: HTTP\nhttp: {expectedStatuses: [{from: 99}]}",
            "spec.http.expectedStatuses.from in body should be greater than or equal to 100"),
        refused(
            PROBE,
            "type: HTTP\nhttp: {expectedStatuses: [{to: 200}]}",
            "spec.http.expectedStatuses.from: Required value"),
        refused(
            PROBE,
            "type: UDP\npayload: {send: ping, encoding: Base64}",
            "spec.payload.encoding: Unsupported value: \"Base64\""),
        refused(
            PROBE,
            "type: HTTPS\ntls: {serverName: \"Bad Name\"}",
            "spec.tls.serverName in body should match"),
        refused(
            PROBE, "type: TCP\nport: 0", "spec.port in body should be greater than or equal to 1"));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("invalid")
  void theServerRefusesItWithAMessageNamingTheField(String kind, String spec, String message) {
    var object = object(kind, spec);

    assertThatThrownBy(() -> client.resource(object).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContaining(message);
  }

  @Test
  void atLeastThirtyCasesAndTheValidOnesAreStored() {
    assertThat(invalid().count()).isGreaterThanOrEqualTo(30);
    for (var kind : new String[] {POOL, LB, PROBE}) {
      String spec =
          switch (kind) {
            case POOL -> "addresses: [198.18.0.0/24]";
            case LB -> PORTS + BACKENDS;
            default -> "type: TCP";
          };
      assertThat(client.resource(object(kind, spec)).create().getMetadata().getUid()).isNotBlank();
    }
  }

  private static Arguments refused(String kind, String spec, String message) {
    return Arguments.of(kind, spec, message);
  }

  private static int counter;

  private static GenericKubernetesResource object(String kind, String spec) {
    String namespace = kind.equals(POOL) ? "" : "  namespace: default\n";
    String yaml =
        "apiVersion: lb.gatun.io/v1alpha1\nkind: "
            + kind
            + "\nmetadata:\n  name: case-"
            + (++counter)
            + "\n"
            + namespace
            + "spec:\n"
            + spec.indent(2);
    return client.getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
  }
}
