package io.gatun.operator.it;

import static io.gatun.operator.it.Cluster.condition2;
import static io.gatun.operator.it.Cluster.eventually;
import static io.gatun.operator.it.Cluster.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.gatun.control.v1.Bfd;
import io.gatun.control.v1.BgpAdvertisement;
import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.BgpNeighbor;
import io.gatun.control.v1.BgpSession;
import io.gatun.control.v1.Feature;
import io.gatun.control.v1.Observation;
import io.gatun.control.v1.Snapshot;
import io.gatun.operator.GatunOperator;
import io.gatun.operator.api.Announcement;
import io.gatun.operator.api.BgpAnnouncement;
import io.gatun.operator.api.BgpSessionStatus;
import io.gatun.operator.api.Condition;
import io.gatun.operator.api.Forwarder;
import io.gatun.operator.api.Pool;
import io.gatun.operator.api.PoolSpec;
import io.gatun.operator.testing.Crds;
import io.gatun.operator.testing.FakeForwarder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * BGP Pools as users see them, against a real kube-apiserver with fake forwarders: each forwarder
 * gets the BgpConfig of the pools its node's labels select (passwords read from Secrets in the
 * operator's namespace), its sessions as it reports them become the Forwarder's status, the Pool's
 * BgpSessionsEstablished condition (naming the failing peer, the forwarder and FRR's reason) and
 * events; the LoadBalancer lists who advertises its VIP. A missing Secret and a second local AS on
 * the same forwarders are named on the Pool, and nothing else is disturbed.
 */
@EnableKubeAPIServer(kubeAPIVersion = "1.20.2")
class BgpIT {

  /** Where the operator reads Secrets when it does not run in a pod (OperatorOptions' default). */
  private static final String OPERATOR_NAMESPACE = "gatun-system";

  static KubernetesClient client;
  static Cluster cluster;
  static GatunOperator operator;

  @BeforeAll
  static void startOperator() throws Exception {
    Crds.install(client);
    cluster = new Cluster(client);
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(OPERATOR_NAMESPACE)
                .endMetadata()
                .build())
        .create();
    node("node-a", Map.of("lb.gatun.io/edge", "true"));
    node("node-b", Map.of("lb.gatun.io/edge", "false"));
    operator = Cluster.startOperator(client);
  }

  @AfterAll
  static void stopOperator() {
    operator.close();
  }

  @Test
  void selectedForwardersAdvertiseTheVipsAndTheirSessionsShowOnPoolForwarderAndLoadBalancer() {
    secret("bgp-edge", "password", "s3cret");
    cluster.namespace("bgp");
    cluster.pool("lan", "198.18.81.0/30");
    cluster.create(
        """
        apiVersion: lb.gatun.io/v1alpha1
        kind: Pool
        metadata: {name: edge}
        spec:
          addresses: [198.18.80.0/30]
          autoAssign: false
          announcement:
            mode: BGP
            nodeSelector: {matchLabels: {lb.gatun.io/edge: "true"}}
            bgp:
              localASN: 64512
              peers:
                - {address: 198.18.0.1, asn: 64500, holdTimeSeconds: 9, keepaliveTimeSeconds: 3,
                   passwordSecretRef: {name: bgp-edge, key: password}}
                - {address: 198.18.0.9, asn: 64999, ebgpMultihop: 2, disableBfd: true}
              communities: ["64500:100"]
              localPref: 150
              bfd: {receiveIntervalMillis: 100, transmitIntervalMillis: 100}
        """);
    cluster.staticLoadBalancer("bgp", "web", "edge", "198.18.0.11", "198.18.0.12");
    cluster.staticLoadBalancer("bgp", "lan-web", "lan", "198.18.0.13");

    var capabilities =
        FakeForwarder.CAPABILITIES.toBuilder().addFeatures(Feature.DELTA_SNAPSHOTS).build();
    var edge = FakeForwarder.connect("fwd-a", "node-a", operator.grpcPort(), capabilities, true);
    var other = FakeForwarder.connect("fwd-b", "node-b", operator.grpcPort(), capabilities, true);

    Snapshot snapshot = edge.awaitSnapshot(s -> s.getBgp().getAdvertisementsCount() == 1);
    assertThat(snapshot.getBgp())
        .isEqualTo(
            BgpConfig.newBuilder()
                .setLocalAsn(64512)
                .addNeighbors(
                    BgpNeighbor.newBuilder()
                        .setAddress("198.18.0.1")
                        .setAsn(64500)
                        .setPort(179)
                        .setPassword("s3cret")
                        .setHoldTimeSeconds(9)
                        .setKeepaliveSeconds(3)
                        .setBfd(
                            Bfd.newBuilder()
                                .setReceiveIntervalMillis(100)
                                .setTransmitIntervalMillis(100)
                                .setDetectMultiplier(3))
                        .addPools("edge"))
                .addNeighbors(
                    BgpNeighbor.newBuilder()
                        .setAddress("198.18.0.9")
                        .setAsn(64999)
                        .setPort(179)
                        .setEbgpMultihop(2)
                        .addPools("edge"))
                .addAdvertisements(
                    BgpAdvertisement.newBuilder()
                        .setPrefix("198.18.80.0/32")
                        .addCommunities("64500:100")
                        .setLocalPref(150)
                        .addNeighbors("198.18.0.1")
                        .addNeighbors("198.18.0.9")
                        .addServiceKeys("bgp/web/http")
                        .setPool("edge"))
                .build());
    other.awaitSnapshot(s -> s.getServicesCount() == 2);
    assertThat(other.latest().hasBgp()).as("node-b is not selected").isFalse();

    // A wrong AS number at the router: FRR's word for it reaches the Pool and the Forwarder.
    edge.observe(
        Observation.newBuilder()
            .addBgpSessions(session("198.18.0.1", 64500, true, ""))
            .addBgpSessions(session("198.18.0.9", 64999, false, "Bad Peer AS"))
            .addVipsAdvertised("198.18.80.0/32")
            .build());
    eventually(
        () -> {
          Pool pool = cluster.pool("edge");
          assertThat(condition2(pool.getStatus().conditions(), "BgpConfigured"))
              .isEqualTo("True/Configured");
          assertThat(condition(pool.getStatus().conditions(), "BgpSessionsEstablished"))
              .satisfies(
                  c -> {
                    assertThat(c.status() + "/" + c.reason())
                        .isEqualTo("False/SessionsNotEstablished");
                    assertThat(c.message())
                        .startsWith(
                            "1 of 2 sessions not established: forwarder fwd-a (node node-a): peer"
                                + " 198.18.0.9 (AS 64999): Active, Bad Peer AS;");
                  });
          assertThat(condition2(pool.getStatus().conditions(), "Ready")).isEqualTo("True/Ready");

          var status = client.resources(Forwarder.class).withName("fwd-a").get().getStatus();
          assertThat(status.bgpSessionsEstablished()).isEqualTo("1/2");
          assertThat(status.bgpSessions())
              .extracting(
                  BgpSessionStatus::peer, BgpSessionStatus::state, BgpSessionStatus::lastError)
              .containsExactly(
                  tuple("198.18.0.1", "Established", null),
                  tuple("198.18.0.9", "Active", "Bad Peer AS"));
          assertThat(condition2(status.conditions(), Forwarder.BGP_SESSIONS_ESTABLISHED))
              .isEqualTo("False/SessionsNotEstablished");
          assertThat(status.vipsAdvertised()).containsExactly("198.18.80.0/32");

          assertThat(cluster.get("bgp", "web").getStatus().announcedBy()).containsExactly("fwd-a");
          assertThat(state(cluster.get("bgp", "lan-web"), "Ready"))
              .as("the L2 pool's LoadBalancer is untouched")
              .isEqualTo("True/Ready");
        });

    // The router's AS is fixed: the session comes up (Normal event); then the other one is lost.
    edge.observe(
        Observation.newBuilder()
            .addBgpSessions(session("198.18.0.1", 64500, true, ""))
            .addBgpSessions(session("198.18.0.9", 64999, true, ""))
            .addVipsAdvertised("198.18.80.0/32")
            .build());
    eventually(
        () ->
            assertThat(
                    condition2(
                        cluster.pool("edge").getStatus().conditions(), "BgpSessionsEstablished"))
                .isEqualTo("True/Established"));
    edge.observe(
        Observation.newBuilder()
            .addBgpSessions(session("198.18.0.1", 64500, false, "Hold Timer Expired"))
            .addBgpSessions(session("198.18.0.9", 64999, true, ""))
            .build());
    eventually(
        () -> {
          assertThat(events("edge"))
              .extracting(Event::getType, Event::getReason, Event::getMessage)
              .contains(
                  tuple(
                      "Normal",
                      "BgpSessionEstablished",
                      "forwarder fwd-a: peer 198.18.0.9 (AS 64999) established"),
                  tuple(
                      "Warning",
                      "BgpSessionDown",
                      "forwarder fwd-a: peer 198.18.0.1 (AS 64500) down: Active, Hold Timer"
                          + " Expired"));
          assertThat(events("fwd-a"))
              .extracting(Event::getReason, Event::getMessage)
              .contains(
                  tuple(
                      "BgpSessionDown",
                      "peer 198.18.0.1 (AS 64500) down: Active, Hold Timer Expired"));
          assertThat(cluster.get("bgp", "web").getStatus().announcedBy())
              .as("it no longer advertises the VIP")
              .isEmpty();
        });

    // A change of the pool reaches the delta-taking forwarder as a delta carrying the new BGP.
    int deltasBefore = edge.deltasReceived();
    cluster.editPool(
        "edge",
        p -> {
          var spec = p.getSpec();
          var a = spec.announcement();
          var bgp = a.bgp();
          p.setSpec(
              new PoolSpec(
                  spec.addresses(),
                  spec.autoAssign(),
                  spec.avoidBuggyIPs(),
                  spec.allocation(),
                  new Announcement(
                      a.mode(),
                      a.nodeSelector(),
                      a.interfaces(),
                      new BgpAnnouncement(
                          bgp.localASN(), bgp.peers(), List.of(), bgp.localPref(), bgp.bfd()))));
        });
    edge.awaitSnapshot(
        s ->
            s.getBgp().getAdvertisementsCount() == 1
                && s.getBgp().getAdvertisements(0).getCommunitiesCount() == 0);
    assertThat(edge.deltasReceived()).isGreaterThan(deltasBefore);
    edge.close();
    other.close();
  }

  @Test
  void aMissingPasswordSecretIsNamedOnThePoolAndItsOtherPeersAreConfigured() {
    node("node-c", Map.of("lb.gatun.io/secret-test", "true"));
    cluster.create(
        """
        apiVersion: lb.gatun.io/v1alpha1
        kind: Pool
        metadata: {name: locked}
        spec:
          addresses: [198.18.82.0/30]
          announcement:
            mode: BGP
            nodeSelector: {matchLabels: {lb.gatun.io/secret-test: "true"}}
            bgp:
              localASN: 64520
              peers:
                - {address: 198.18.0.5, asn: 64500, passwordSecretRef: {name: bgp-locked, key: md5}}
                - {address: 198.18.0.6, asn: 64500}
        """);
    var forwarder =
        FakeForwarder.connect(
            "fwd-c", "node-c", operator.grpcPort(), FakeForwarder.CAPABILITIES, true);

    eventually(
        () -> {
          var configured =
              condition(cluster.pool("locked").getStatus().conditions(), "BgpConfigured");
          assertThat(configured.status() + "/" + configured.reason())
              .isEqualTo("False/PasswordSecretMissing");
          assertThat(configured.message())
              .isEqualTo(
                  "spec.announcement.bgp.peers[0].passwordSecretRef: Secret bgp-locked does not"
                      + " exist in namespace gatun-system: peer 198.18.0.5 is not configured until"
                      + " it does (create it with kubectl -n gatun-system create secret generic"
                      + " bgp-locked --from-literal=md5=PASSWORD)");
        });
    assertThat(
            forwarder
                .awaitSnapshot(s -> s.getBgp().getNeighborsCount() == 1)
                .getBgp()
                .getNeighbors(0)
                .getAddress())
        .as("the other peer is configured meanwhile")
        .isEqualTo("198.18.0.6");

    secret("bgp-locked", "wrong-key", "x");
    eventually(
        () ->
            assertThat(
                    condition(cluster.pool("locked").getStatus().conditions(), "BgpConfigured")
                        .message())
                .contains(
                    "Secret bgp-locked in namespace gatun-system has no key md5 (it has wrong-key)"));

    secret("bgp-locked", "md5", "n0tsecret");
    var neighbors = forwarder.awaitSnapshot(s -> s.getBgp().getNeighborsCount() == 2).getBgp();
    assertThat(neighbors.getNeighbors(0).getPassword()).isEqualTo("n0tsecret");
    eventually(
        () ->
            assertThat(condition2(cluster.pool("locked").getStatus().conditions(), "BgpConfigured"))
                .isEqualTo("True/Configured"));
    forwarder.close();
  }

  @Test
  void aSecondLocalAsnOnTheSameForwardersIsNamedOnTheNewerPoolAndTheOlderKeepsWorking() {
    node("node-d", Map.of("lb.gatun.io/asn-test", "true"));
    String older =
        """
        apiVersion: lb.gatun.io/v1alpha1
        kind: Pool
        metadata: {name: %s}
        spec:
          addresses: [%s]
          announcement:
            mode: BGP
            nodeSelector: {matchLabels: {lb.gatun.io/asn-test: "true"}}
            bgp:
              localASN: %d
              peers: [{address: %s, asn: 64500}]
        """;
    cluster.create(older.formatted("first", "198.18.83.0/30", 64530, "198.18.0.7"));
    eventually(() -> assertThat(cluster.pool("first").getStatus()).isNotNull());
    cluster.create(older.formatted("second", "198.18.84.0/30", 64531, "198.18.0.8"));
    var forwarder =
        FakeForwarder.connect(
            "fwd-d", "node-d", operator.grpcPort(), FakeForwarder.CAPABILITIES, true);

    eventually(
        () -> {
          var conflict =
              condition(cluster.pool("second").getStatus().conditions(), "BgpConfigured");
          assertThat(conflict.status() + "/" + conflict.reason())
              .isEqualTo("False/LocalASNConflict");
          assertThat(conflict.message())
              .isEqualTo(
                  "spec.announcement.bgp.localASN: 64531 differs from the older Pool first's 64530"
                      + " on nodes node-d, whose forwarders' one BGP instance speaks AS 64530: this"
                      + " pool's VIPs are not advertised there; set localASN to 64530, or give the"
                      + " pools announcement.nodeSelectors that select different nodes");
          assertThat(condition2(cluster.pool("first").getStatus().conditions(), "BgpConfigured"))
              .isEqualTo("True/Configured");
        });
    var bgp = forwarder.awaitSnapshot(Snapshot::hasBgp).getBgp();
    assertThat(bgp.getLocalAsn()).isEqualTo(64530);
    assertThat(bgp.getNeighborsList())
        .extracting(BgpNeighbor::getAddress)
        .containsExactly("198.18.0.7");
    forwarder.close();
  }

  private static BgpSession session(String peer, int asn, boolean established, String error) {
    return BgpSession.newBuilder()
        .setPeer(peer)
        .setPeerAsn(asn)
        .setState(established ? "Established" : "Active")
        .setEstablished(established)
        .setEstablishedSinceUnixMillis(established ? 1_767_225_600_000L : 0)
        .setPrefixesAdvertised(established ? 1 : 0)
        .setLastError(error)
        .addPools("edge")
        .build();
  }

  private static Condition condition(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> c.type().equals(type)).findFirst().orElseThrow();
  }

  /** Events about a cluster-scoped object, which Kubernetes' components post in default. */
  private static List<Event> events(String name) {
    return cluster.events("default", name);
  }

  private static void node(String name, Map<String, String> labels) {
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .create();
  }

  private static void secret(String name, String key, String value) {
    client
        .secrets()
        .inNamespace(OPERATOR_NAMESPACE)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(OPERATOR_NAMESPACE)
                .endMetadata()
                .withStringData(Map.of(key, value))
                .build())
        .createOr(NonDeletingOperation::update);
  }
}
