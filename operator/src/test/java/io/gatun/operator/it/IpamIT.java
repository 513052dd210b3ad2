package io.gatun.operator.it;

import static io.gatun.operator.it.Cluster.eventually;
import static io.gatun.operator.it.Cluster.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.api.model.Event;
import io.gatun.operator.api.AddressUsage;
import io.gatun.operator.api.Condition;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.PoolSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * IPAM through the API, against a real kube-apiserver: families, sharing, scoped pools, explicit
 * addresses, avoidBuggyIPs, pool mistakes and edits, and many LoadBalancers at once across an
 * operator restart. Each test has its own namespace(s) and pools, in disjoint ranges.
 */
@EnableKubeAPIServer(kubeAPIVersion = "1.20.2")
class IpamIT extends RunningOperator {

  @Test
  void requireDualStackGetsOneAddressOfEachFamilyAndThePoolCountsPerFamily() {
    cluster.namespace("dual");
    cluster.pool("dual", "198.18.20.0/30", "2001:2:0:20::/126");
    cluster.create(
        lb(
            "dual",
            "web",
            "poolRef: dual\nipFamilyPolicy: RequireDualStack\nipFamilies: [IPv6, IPv4]"));

    eventually(
        () -> {
          var lb = cluster.get("dual", "web");
          assertThat(lb.getStatus().addresses()).containsExactly("2001:2:0:20::", "198.18.20.0");
          assertThat(lb.getStatus().addressSummary()).isEqualTo("2001:2:0:20::,198.18.20.0");
          var pool = cluster.pool("dual").getStatus();
          assertThat(pool.ipv4()).isEqualTo(new AddressUsage(4, 1, 3));
          assertThat(pool.ipv6()).isEqualTo(new AddressUsage(4, 1, 3));
          assertThat(List.of(pool.capacity(), pool.allocated(), pool.available()))
              .containsExactly(8L, 2L, 6L);
        });
  }

  @Test
  void aSharingKeySharesOneVipBetweenDisjointPortsOnly() {
    cluster.namespace("share");
    cluster.pool("share", "198.18.21.0/30");
    // One after the other, so the first has its status written before the second joins it: the
    // first must be told (status.sharedWith), though nothing about it changed.
    cluster.create(
        lbWithPorts(
            "share",
            "dns-tcp",
            "poolRef: share\nsharingKey: dns",
            "{name: dns, port: 53, protocol: TCP}"));
    eventually(
        () -> {
          var alone = cluster.get("share", "dns-tcp").getStatus();
          assertThat(alone.addresses()).containsExactly("198.18.21.0");
          assertThat(alone.sharedWith()).isEmpty();
        });
    cluster.create(
        lbWithPorts(
            "share",
            "dns-udp",
            "poolRef: share\nsharingKey: dns",
            "{name: dns, port: 53, protocol: UDP}"));
    eventually(
        () -> {
          assertThat(cluster.get("share", "dns-udp").getStatus().addresses())
              .containsExactly("198.18.21.0");
          assertThat(cluster.get("share", "dns-udp").getStatus().sharedWith())
              .containsExactly("dns-tcp");
          assertThat(cluster.get("share", "dns-tcp").getStatus().sharedWith())
              .containsExactly("dns-udp");
          assertThat(cluster.pool("share").getStatus().allocated()).isEqualTo(1L);
        });

    // Same key, but a port already served on the shared VIP: it gets an address of its own.
    cluster.create(
        lbWithPorts(
            "share",
            "dns-again",
            "poolRef: share\nsharingKey: dns",
            "{name: dns, port: 53, protocol: UDP}"));
    eventually(
        () -> {
          assertThat(cluster.get("share", "dns-again").getStatus().addresses())
              .containsExactly("198.18.21.1");
          assertThat(cluster.get("share", "dns-again").getStatus().sharedWith()).isEmpty();
        });

    // One leaves: the other no longer shares.
    cluster.delete("share", "dns-udp");
    eventually(
        () -> assertThat(cluster.get("share", "dns-tcp").getStatus().sharedWith()).isEmpty());
  }

  @Test
  void scopedPoolsServeTheirNamespacesAndLabelsFirstByPriority() {
    cluster.namespace("tenant-a");
    cluster.namespace("tenant-b", Map.of("tier", "gold"));
    cluster.namespace("tenant-c");
    cluster.create(
        """
        apiVersion: lb.gatun.io/v1alpha1
        kind: Pool
        metadata: {name: scoped-a}
        spec:
          addresses: [198.18.22.0/30]
          allocation: {priority: 2, namespaces: [tenant-a]}
        ---
        apiVersion: lb.gatun.io/v1alpha1
        kind: Pool
        metadata: {name: scoped-gold}
        spec:
          addresses: [198.18.22.4/30]
          allocation: {priority: 1, namespaceSelectors: [{matchLabels: {tier: gold}}]}
        ---
        apiVersion: lb.gatun.io/v1alpha1
        kind: Pool
        metadata: {name: scoped-labelled}
        spec:
          addresses: [198.18.22.8/30]
          allocation: {priority: 50, serviceSelectors: [{matchExpressions: [{key: app, operator: In, values: [db]}]}]}
        ---
        apiVersion: lb.gatun.io/v1alpha1
        kind: Pool
        metadata: {name: scoped-general}
        spec:
          addresses: [198.18.22.12/30]
          allocation: {priority: 100, namespaces: [tenant-a, tenant-b, tenant-c]}
        """);
    cluster.create(lb("tenant-a", "web", ""));
    cluster.create(lb("tenant-b", "web", ""));
    cluster.create(lb("tenant-c", "web", ""));
    cluster.create(
        lb("tenant-c", "db", "").replace("  name: db\n", "  name: db\n  labels: {app: db}\n"));
    cluster.create(lb("tenant-c", "picky", "poolRef: scoped-a"));

    eventually(
        () -> {
          assertThat(cluster.get("tenant-a", "web").getStatus().pool()).isEqualTo("scoped-a");
          assertThat(cluster.get("tenant-b", "web").getStatus().pool()).isEqualTo("scoped-gold");
          assertThat(cluster.get("tenant-c", "web").getStatus().pool()).isEqualTo("scoped-general");
          assertThat(cluster.get("tenant-c", "db").getStatus().pool()).isEqualTo("scoped-labelled");
          var picky = cluster.get("tenant-c", "picky");
          assertThat(state(picky, "Allocated")).isEqualTo("False/PoolNotAllowed");
          assertThat(Cluster.condition(picky, "Ready").orElseThrow().message())
              .isEqualTo(
                  "Pool scoped-a only serves namespaces tenant-a: name another pool in"
                      + " spec.poolRef, or widen the Pool's allocation");
        });
  }

  @Test
  void aRequestedAddressIsGivenOnceAndASecondClaimSaysWhoHoldsIt() {
    cluster.namespace("exact");
    cluster.pool("exact", "198.18.23.0/29");
    cluster.create(lb("exact", "first", "addresses: [198.18.23.5]"));
    eventually(
        () ->
            assertThat(cluster.get("exact", "first").getStatus().addresses())
                .containsExactly("198.18.23.5"));

    cluster.create(lb("exact", "second", "addresses: [198.18.23.5]"));
    cluster.create(lb("exact", "third", "addresses: [198.18.99.1]"));

    eventually(
        () -> {
          var second = cluster.get("exact", "second");
          assertThat(state(second, "Allocated")).isEqualTo("False/AddressInUse");
          assertThat(Cluster.condition(second, "Allocated").orElseThrow().message())
              .startsWith("198.18.23.5 cannot be had: it is held by exact/first and not shared.");
          assertThat(state(cluster.get("exact", "third"), "Allocated"))
              .isEqualTo("False/AddressNotInPool");
          assertThat(cluster.events("exact", "second"))
              .extracting(Event::getReason)
              .contains("AddressInUse");
        });
  }

  @Test
  void avoidBuggyIpsSkipsDotZeroAndDotTwoFiftyFive() {
    cluster.namespace("buggy");
    cluster.create(
        """
        apiVersion: lb.gatun.io/v1alpha1
        kind: Pool
        metadata: {name: buggy}
        spec: {addresses: [198.18.24.255-198.18.25.1], avoidBuggyIPs: true}
        """);
    cluster.create(lb("buggy", "web", "poolRef: buggy"));

    eventually(
        () -> {
          assertThat(cluster.get("buggy", "web").getStatus().addresses())
              .containsExactly("198.18.25.1");
          assertThat(cluster.pool("buggy").getStatus().capacity()).isEqualTo(1L);
          assertThat(state2(cluster.pool("buggy").getStatus().conditions(), "Ready"))
              .isEqualTo("False/Exhausted");
        });
  }

  @Test
  void anOverlappingPoolIsInvalidAndTheEventListsEveryProblem() {
    cluster.pool("older", "198.18.26.0/29");
    cluster.pool("younger", "198.18.26.4/30", "198.18.26.300", "198.18.27.1/24");

    eventually(
        () -> {
          var status = cluster.pool("younger").getStatus();
          assertThat(state2(status.conditions(), "Valid")).isEqualTo("False/Invalid");
          String message = condition(status.conditions(), "Valid");
          assertThat(message)
              .contains("\"198.18.26.300\" has an octet above 255")
              .contains("\"198.18.27.1/24\" has host bits set (did you mean 198.18.27.0/24?)");
          assertThat(state2(cluster.pool("older").getStatus().conditions(), "Valid"))
              .isEqualTo("True/Valid");
          assertThat(cluster.events("default", "younger"))
              .anySatisfy(
                  e -> {
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getReason()).isEqualTo("ValidationFailed");
                    assertThat(e.getMessage())
                        .contains("octet above 255")
                        .contains("host bits set");
                  });
        });

    // Fixed but still overlapping: the overlap alone is reported.
    cluster.editPool("younger", p -> p.setSpec(new PoolSpec(List.of("198.18.26.4/30"), null)));
    eventually(
        () ->
            assertThat(condition(cluster.pool("younger").getStatus().conditions(), "Valid"))
                .isEqualTo(
                    "spec.addresses: 198.18.26.4-198.18.26.7 overlaps 198.18.26.0-198.18.26.7 of the"
                        + " older Pool older: pools must not share addresses, remove the overlap"));
  }

  @Test
  void removingAnAddressInUseFromItsPoolIsReportedAndTheVipKeepsServing() {
    cluster.namespace("shrink");
    cluster.pool("shrink", "198.18.28.0/30");
    cluster.create(lb("shrink", "web", "poolRef: shrink"));
    eventually(
        () ->
            assertThat(cluster.get("shrink", "web").getStatus().addresses())
                .containsExactly("198.18.28.0"));

    cluster.editPool("shrink", p -> p.setSpec(new PoolSpec(List.of("198.18.28.2/31"), null)));

    eventually(
        () -> {
          var lb = cluster.get("shrink", "web");
          assertThat(lb.getStatus().addresses()).containsExactly("198.18.28.0");
          assertThat(state(lb, "Allocated")).isEqualTo("True/OutsidePool");
          assertThat(state(lb, "Ready")).isNotEqualTo("False/OutsidePool");
          var pool = cluster.pool("shrink").getStatus();
          assertThat(pool.heldOutsideRanges()).containsExactly("198.18.28.0 (shrink/web)");
          assertThat(state2(pool.conditions(), "Ready")).isEqualTo("False/AddressesOutsideRanges");
          assertThat(cluster.events("shrink", "web"))
              .extracting(Event::getReason)
              .contains("OutsidePool");
          assertThat(cluster.events("default", "shrink"))
              .extracting(Event::getReason)
              .contains("AddressesOutsideRanges");
        });
  }

  @Test
  void manyLoadBalancersAtOnceNeverShareAnAddressAcrossARestartAndWaitersGetFreedOnes() {
    cluster.namespace("crowd");
    cluster.pool("crowd", "198.18.29.0/27"); // 32 addresses for 40 LoadBalancers
    var yaml = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      yaml.append(lb("crowd", "lb-" + i, "poolRef: crowd")).append("---\n");
    }
    cluster.create(yaml.toString());
    eventually(() -> assertThat(holders("crowd")).hasSize(32));
    operator.close();
    operator = Cluster.startOperator(client);
    eventually(
        () -> {
          assertThat(holders("crowd")).hasSize(32);
          assertThat(exhausted("crowd")).hasSize(8);
        });

    for (int i = 0; i < 40; i += 5) {
      cluster.delete("crowd", "lb-" + i); // eight go, whether they held an address or not
    }
    eventually(
        () -> {
          assertThat(holders("crowd")).hasSize(32);
          assertThat(exhausted("crowd")).isEmpty();
        });
  }

  /** Every holder's address, checked to be distinct. */
  private List<String> holders(String namespace) {
    var addresses =
        client.resources(LoadBalancer.class).inNamespace(namespace).list().getItems().stream()
            .filter(lb -> lb.getStatus() != null)
            .flatMap(lb -> lb.getStatus().addresses().stream())
            .toList();
    assertThat(new HashSet<>(addresses)).hasSameSizeAs(addresses);
    return addresses;
  }

  private List<String> exhausted(String namespace) {
    return client.resources(LoadBalancer.class).inNamespace(namespace).list().getItems().stream()
        .filter(lb -> state(lb, "Allocated").equals("False/PoolExhausted"))
        .map(lb -> lb.getMetadata().getName())
        .toList();
  }

  static String lb(String namespace, String name, String extraSpec) {
    return lbWithPorts(namespace, name, extraSpec, "{name: http, port: 80}");
  }

  static String lbWithPorts(String namespace, String name, String extraSpec, String port) {
    return """
        apiVersion: lb.gatun.io/v1alpha1
        kind: LoadBalancer
        metadata:
          name: %s
          namespace: %s
        spec:
          ports: [%s]
          backends: {static: [{address: 198.18.0.11}]}
        %s
        """
        .formatted(name, namespace, port, extraSpec.indent(2));
  }

  private static String state2(List<Condition> conditions, String type) {
    return conditions.stream()
        .filter(c -> c.type().equals(type))
        .map(c -> c.status() + "/" + c.reason())
        .findFirst()
        .orElse("absent");
  }

  private static String condition(List<Condition> conditions, String type) {
    return conditions.stream()
        .filter(c -> c.type().equals(type))
        .map(Condition::message)
        .filter(Objects::nonNull)
        .findFirst()
        .orElse("");
  }
}
