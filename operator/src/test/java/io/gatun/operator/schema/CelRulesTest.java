package io.gatun.operator.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRDs' CEL rules, read from the checked-in {@code crds/} (what users install), evaluated
 * offline with Google's CEL for Java on valid and invalid objects: the API server in the tests
 * (1.20) ignores them, servers from 1.25 enforce them, and the operator enforces them itself.
 */
class CelRulesTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Map<String, CrdRules> RULES = load();

  private static final String POOL = "pools.lb.gatun.io";
  private static final String LB = "loadbalancers.lb.gatun.io";
  private static final String PROBE = "healthprobes.lb.gatun.io";
  private static final String FORWARDER_SET = "forwardersets.lb.gatun.io";

  private static final String POOL_SPEC = "addresses: [198.18.0.0/24]";
  private static final String LB_SPEC =
      """
      ports: [{name: http, port: 80}]
      backends: {serviceRef: web}
      """;
  private static final String PROBE_SPEC = "type: TCP";

  /** One invalid object per rule, with the exact message a user gets. */
  static Stream<Arguments> invalid() {
    return Stream.of(
        // Pool
        bad(
            POOL,
            "addresses: [198.18.0.0/24, 198.18.0.0/24]",
            "spec: addresses lists an entry twice: remove the duplicate"),
        bad(
            POOL,
            POOL_SPEC + "\nallocation: {}",
            "spec.allocation: allocation needs at least one of priority, namespaces,"
                + " namespaceSelectors or serviceSelectors: remove it, or say whom the pool is for"),
        bad(
            POOL,
            POOL_SPEC + "\nannouncement: {mode: BGP}",
            "spec.announcement: bgp is required in BGP mode and not allowed in L2 mode: set both or"
                + " neither"),
        bad(
            POOL,
            POOL_SPEC
                + "\nannouncement: {mode: L2, bgp: {localASN: 64512, peers: [{address: 198.18.0.1, asn: 64513}]}}",
            "spec.announcement: bgp is required in BGP mode and not allowed in L2 mode: set both or"
                + " neither"),
        bad(
            POOL,
            POOL_SPEC
                + "\nannouncement: {mode: BGP, bgp: {localASN: 64512, peers: [{address: 198.18.0.1, asn: 1}, {address: 198.18.0.1, asn: 2}]}}",
            "spec.announcement.bgp: peers lists an address twice: one entry per peer"),
        bad(
            POOL,
            POOL_SPEC
                + "\nannouncement: {mode: BGP, bgp: {localASN: 64512, peers: [{address: 198.18.0.1, asn: 1, holdTimeSeconds: 2}]}}",
            "spec.announcement.bgp.peers[0]: holdTimeSeconds must be 0 (no keepalives) or at least"
                + " 3 (RFC 4271)"),
        bad(
            POOL,
            POOL_SPEC
                + "\nannouncement: {mode: BGP, bgp: {localASN: 64512, peers: [{address: 198.18.0.1, asn: 1, holdTimeSeconds: 9, keepaliveTimeSeconds: 9}]}}",
            "spec.announcement.bgp.peers[0]: keepaliveTimeSeconds must be less than holdTimeSeconds"
                + " (90 when unset): lower it, or raise holdTimeSeconds (a third of it is usual)"),
        bad(
            POOL,
            POOL_SPEC
                + "\nannouncement: {mode: BGP, bgp: {localASN: 64512, peers: [{address: 198.18.0.1, asn: 1, keepaliveTimeSeconds: 90}]}}",
            "spec.announcement.bgp.peers[0]: keepaliveTimeSeconds must be less than holdTimeSeconds"
                + " (90 when unset): lower it, or raise holdTimeSeconds (a third of it is usual)"),
        bad(
            POOL,
            POOL_SPEC
                + "\nannouncement: {mode: BGP, bgp: {localASN: 64512, peers: [{address: 198.18.0.1, asn: 23456}]}}",
            "spec.announcement.bgp.peers[0]: asn 23456 is AS_TRANS (RFC 6793), a placeholder no"
                + " router has: write the peer's real (4-byte) AS number"),
        bad(
            POOL,
            POOL_SPEC
                + "\nannouncement: {mode: BGP, bgp: {localASN: 23456, peers: [{address: 198.18.0.1, asn: 1}]}}",
            "spec.announcement.bgp: localASN 23456 is AS_TRANS (RFC 6793), a placeholder: write the"
                + " forwarders' real AS number (a private one is 64512-65534 or"
                + " 4200000000-4294967294)"),
        bad(
            POOL,
            POOL_SPEC
                + "\nannouncement: {mode: BGP, bgp: {localASN: 64512, peers: [{address: 198.18.0.1, asn: 64512, ebgpMultihop: 2}]}}",
            "spec.announcement.bgp: ebgpMultihop applies to eBGP peers only: remove it from the"
                + " peers whose asn is localASN (iBGP)"),
        // LoadBalancer
        bad(
            LB,
            "ports: [{name: http, port: 80}]\nbackends: {serviceRef: web, static: [{address: 198.18.0.1}]}",
            "spec.backends: backends needs exactly one of serviceRef, selector or static"),
        bad(
            LB,
            "ports: [{name: http, port: 80}]\nbackends: {}",
            "spec.backends: backends needs exactly one of serviceRef, selector or static"),
        bad(
            LB,
            LB_SPEC + "forwarding: {mode: NAT, encapsulation: IPIP}",
            "spec.forwarding: encapsulation applies to mode DSR only: remove it or set mode: DSR"),
        bad(
            LB,
            LB_SPEC + "sessionAffinity: {timeoutSeconds: 60}",
            "spec.sessionAffinity: timeoutSeconds applies to type ClientIP only: remove it or set"
                + " type: ClientIP"),
        bad(
            LB,
            "ports: [{name: http, port: 80}, {name: http, port: 81}]\nbackends: {serviceRef: web}",
            "spec: port names must be unique: rename the duplicate"),
        bad(
            LB,
            "ports: [{name: a, port: 80}, {name: b, port: 80, protocol: TCP}]\nbackends: {serviceRef: web}",
            "spec: each port and protocol pair may appear once in ports: remove the duplicate"),
        bad(
            LB,
            LB_SPEC + "ipFamilyPolicy: PreferDualStack\nipFamilies: [IPv6, IPv6]",
            "spec: ipFamilies lists a family twice: list each once"),
        bad(
            LB,
            LB_SPEC + "ipFamilies: [IPv4, IPv6]",
            "spec: ipFamilyPolicy SingleStack takes at most one ipFamilies entry and one address:"
                + " set PreferDualStack or RequireDualStack for two"),
        bad(
            LB,
            LB_SPEC + "ipFamilyPolicy: RequireDualStack\naddresses: [198.18.0.1]",
            "spec: ipFamilyPolicy RequireDualStack needs both families: list IPv4 and IPv6 in"
                + " ipFamilies (or leave it out) and two addresses (or none)"),
        bad(
            LB,
            "ports: [{name: http, port: 80}]\nbackends: {static: [{address: 198.18.0.1}]}\nexternalTrafficPolicy: Local",
            "spec: externalTrafficPolicy Local needs backends from serviceRef or selector: static"
                + " backends run on no node"),
        bad(
            LB,
            LB_SPEC + "scheduling: RoundRobin\nmaglevTableSize: 65537",
            "spec: maglevTableSize applies to scheduling Maglev only: remove it"),
        bad(
            LB,
            "ports: [{name: http, port: 80, targetPort: 8080}]\nbackends: {serviceRef: web}\nforwarding: {mode: DSR}",
            "spec: forwarding mode DSR cannot translate ports (the backend answers the client from"
                + " the VIP's port): leave targetPort out or equal to port, or use mode FullNAT or"
                + " NAT"),
        bad(
            LB,
            "ports: [{name: http, port: 80}]\nbackends: {static: [{address: 198.18.0.1, port: 8080}]}\nforwarding: {mode: DSR, encapsulation: IPIP}",
            "spec: forwarding mode DSR cannot translate ports: a static backend's port must equal"
                + " the port of every entry in ports (or be left out), or use mode FullNAT or NAT"),
        // HealthProbe
        bad(
            PROBE,
            "type: UDP\npayload: {send: xyz, encoding: Hex}",
            "spec.payload: encoding Hex needs send and expect as pairs of hex digits, e.g. 0a1b: fix"
                + " them or use encoding Text"),
        bad(
            PROBE,
            "type: HTTP\nhttp: {expectedStatuses: [{from: 200, to: 299}, {from: 404, to: 400}]}",
            "spec.http.expectedStatuses[1]: an expected status range must not end before it"
                + " starts: from <= to"),
        bad(
            PROBE,
            "type: TCP\nperiodMillis: 1000\ntimeoutMillis: 2000",
            "spec: timeoutMillis must not exceed periodMillis: a probe must end before the next"
                + " starts"),
        bad(
            PROBE,
            "type: TCP\nhttp: {path: /}",
            "spec: http applies to type HTTP or HTTPS only: remove it or change the type"),
        bad(
            PROBE,
            "type: HTTP\ntls: {insecureSkipVerify: true}",
            "spec: tls applies to type HTTPS only: remove it or set type: HTTPS"),
        bad(
            PROBE,
            "type: HTTP\npayload: {send: ping}",
            "spec: payload applies to type UDP or SCTP only: remove it or change the type"),
        bad(
            PROBE,
            "type: ICMP\nport: 80",
            "spec: port does not apply to type ICMP (echo has no port): remove it"),
        bad(
            PROBE,
            "type: PASSIVE",
            "spec: type PASSIVE needs passive settings: add passive: {} for the defaults, or"
                + " choose an active probe type"),
        bad(
            PROBE,
            "type: PASSIVE\npassive: {}\nport: 8080",
            "spec: port does not apply to type PASSIVE (no probe is sent): remove it"),
        // ForwarderSet
        bad(
            FORWARDER_SET,
            "dataPort: {addresses: {n: [198.18.0.2/24]}}",
            "spec.dataPort: set exactly one of interfaceName (a host interface, net_af_packet) and"
                + " virtualFunction (an SR-IOV VF from the device plugin)"),
        bad(
            FORWARDER_SET,
            "dataPort: {interfaceName: eth1, virtualFunction: {resourceName: intel.com/vf},"
                + " addresses: {n: [198.18.0.2/24]}}",
            "spec.dataPort: set exactly one of interfaceName (a host interface, net_af_packet) and"
                + " virtualFunction (an SR-IOV VF from the device plugin)"));
  }

  /** Objects that use the rules' features correctly; defaults fill in what they leave out. */
  static Stream<Arguments> valid() {
    return Stream.of(
        good(POOL, POOL_SPEC),
        good(POOL, POOL_SPEC + "\nallocation: {priority: 10, namespaces: [prod]}"),
        good(
            POOL,
            POOL_SPEC
                + "\nannouncement: {mode: BGP, bgp: {localASN: 64512, peers: [{address: 198.18.0.1, asn: 64513, holdTimeSeconds: 0}, {address: 198.18.0.2, asn: 64513, holdTimeSeconds: 90}]}}"),
        good(
            POOL,
            POOL_SPEC
                + "\nannouncement: {mode: BGP, bgp: {localASN: 64512, peers: [{address: 198.18.0.1, asn: 64513, holdTimeSeconds: 9, keepaliveTimeSeconds: 3, ebgpMultihop: 2, passwordSecretRef: {name: bgp, key: password}}, {address: 198.18.0.2, asn: 64512, keepaliveTimeSeconds: 30, disableBfd: true}, {address: 198.18.0.3, asn: 64513, holdTimeSeconds: 0, keepaliveTimeSeconds: 5}], bfd: {}}}"),
        good(LB, LB_SPEC),
        good(
            LB,
            "ports: [{name: dns, port: 53, protocol: UDP}, {name: dns-tcp, port: 53, protocol: TCP}]\nbackends: {selector: {matchLabels: {app: dns}}}\nexternalTrafficPolicy: Local"),
        good(
            LB,
            LB_SPEC
                + "forwarding: {mode: DSR, encapsulation: IPIP}\nsessionAffinity: {type: ClientIP, timeoutSeconds: 60}\nmaglevTableSize: 131071"),
        good(
            LB,
            LB_SPEC
                + "ipFamilyPolicy: RequireDualStack\nipFamilies: [IPv6, IPv4]\naddresses: [2001:2::1, 198.18.0.1]"),
        good(LB, LB_SPEC + "ipFamilyPolicy: PreferDualStack\nipFamilies: [IPv6]"),
        good(
            LB,
            "ports: [{name: http, port: 80, targetPort: 80}, {name: dns, port: 53, protocol: UDP}]\nbackends: {static: [{address: 198.18.0.1}]}\nforwarding: {mode: DSR}"),
        good(
            LB,
            "ports: [{name: http, port: 80}]\nbackends: {static: [{address: 198.18.0.1}, {address: 198.18.0.2, port: 80}]}\nforwarding: {mode: DSR}"),
        good(
            LB,
            "ports: [{name: http, port: 80, targetPort: 8080}]\nbackends: {static: [{address: 198.18.0.1, port: 8080}]}\nforwarding: {mode: NAT}"),
        good(PROBE, PROBE_SPEC),
        good(
            PROBE,
            "type: HTTPS\nhttp: {path: /healthz, expectedStatuses: [{from: 200, to: 204}, {from: 301}]}\ntls: {serverName: web.example, insecureSkipVerify: true}"),
        good(PROBE, "type: UDP\nport: 53\npayload: {send: 0a0b, expect: ff, encoding: Hex}"),
        good(PROBE, "type: ICMP\nperiodMillis: 1000\ntimeoutMillis: 1000"),
        good(PROBE, "type: PASSIVE\npassive: {}"),
        good(PROBE, "type: TCP\npassive: {consecutiveFailures: 5, maxEjectedPercent: 34}"),
        good(FORWARDER_SET, "dataPort: {interfaceName: eth1, addresses: {n: [198.18.0.2/24]}}"),
        good(
            FORWARDER_SET,
            "dataPort: {virtualFunction: {resourceName: intel.com/vf}, addresses: {n: [198.18.0.2/24]}}"));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("invalid")
  void anInvalidObjectBreaksTheRuleWithItsMessage(String crd, JsonNode object, String message) {
    assertThat(RULES.get(crd).check(object)).containsExactly(message);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("valid")
  void aValidObjectBreaksNoRule(String crd, JsonNode object) {
    assertThat(RULES.get(crd).check(object)).isEmpty();
  }

  @Test
  void everyRuleOfEveryCrdIsExercised() {
    Set<String> exercised = new HashSet<>();
    invalid()
        .forEach(
            args -> {
              String message = (String) args.get()[2];
              exercised.add(message.substring(message.indexOf(": ") + 2));
            });
    var all =
        RULES.values().stream()
            .flatMap(rules -> rules.describe().stream())
            .map(rule -> rule.substring(rule.indexOf(" -> ") + 4))
            .toList();
    assertThat(all).hasSize(31);
    assertThat(exercised).containsExactlyInAnyOrderElementsOf(new HashSet<>(all));
  }

  private static Arguments bad(String crd, String specYaml, String message) {
    return Arguments.of(crd, object(crd, specYaml), message);
  }

  private static Arguments good(String crd, String specYaml) {
    return Arguments.of(crd, object(crd, specYaml));
  }

  private static JsonNode object(String crd, String specYaml) {
    try {
      ObjectNode object = YAML.createObjectNode();
      object.put("apiVersion", "lb.gatun.io/v1alpha1");
      object.putObject("metadata").put("name", "x");
      object.set("spec", YAML.readTree(specYaml));
      return object;
    } catch (IOException e) {
      throw new IllegalArgumentException(crd + ": " + specYaml, e);
    }
  }

  private static Map<String, CrdRules> load() {
    var serialization = new KubernetesSerialization();
    try (var files = Files.list(Path.of(System.getProperty("gatun.crds.dir")))) {
      var rules = new HashMap<String, CrdRules>();
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        var crd = serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class);
        rules.put(crd.getMetadata().getName(), CrdRules.of(crd));
      }
      return Map.copyOf(rules);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
