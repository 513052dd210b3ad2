package io.gatun.bundle;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.gatun.operator.api.Forwarder;
import io.gatun.operator.api.ForwarderSet;
import io.gatun.operator.api.HealthProbe;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.Pool;
import java.util.List;

/**
 * One kind of the Java model as the CSV presents it: the words a console shows, and the kinds of
 * object an instance leads to ({@code resources}, which OLM's console lists and the scorecard
 * requires). Kind, version and CRD name come from the model class itself.
 *
 * @param internal created by the operator, not by users: listed in {@code
 *     operators.operatorframework.io/internal-objects}, so consoles do not offer to create one
 */
public record OwnedApi(
    Class<? extends HasMetadata> type,
    String displayName,
    String description,
    boolean internal,
    List<Related> resources) {

  /** A kind an instance creates, reads or is read by: {@code (kind, plural name, version)}. */
  public record Related(String kind, String name, String version) {}

  private static final Related LOAD_BALANCERS =
      new Related("LoadBalancer", "loadbalancers", "v1alpha1");
  private static final Related FORWARDERS = new Related("Forwarder", "forwarders", "v1alpha1");

  /** Every kind the operator serves; the bundle owns exactly these CRDs. */
  public static final List<OwnedApi> ALL =
      List.of(
          new OwnedApi(
              Pool.class,
              "Pool",
              "Addresses (CIDRs or ranges, IPv4 and IPv6) that LoadBalancers take their VIPs from,"
                  + " and how they are announced.",
              false,
              List.of(LOAD_BALANCERS, new Related("Namespace", "namespaces", "v1"))),
          new OwnedApi(
              LoadBalancer.class,
              "Load Balancer",
              "One virtual service: a VIP from a Pool, its ports, and backends (static addresses,"
                  + " a Service's endpoints or pods by selector) that the forwarders' data plane"
                  + " balances to.",
              false,
              List.of(
                  new Related("Service", "services", "v1"),
                  new Related("EndpointSlice", "endpointslices", "v1"),
                  new Related("Pod", "pods", "v1"),
                  new Related("Pool", "pools", "v1alpha1"),
                  new Related("HealthProbe", "healthprobes", "v1alpha1"),
                  FORWARDERS)),
          new OwnedApi(
              HealthProbe.class,
              "Health Probe",
              "How forwarders check backends (ICMP, TCP, UDP, SCTP, HTTP, HTTPS; period, timeout,"
                  + " thresholds); LoadBalancers name it in spec.healthProbeRef.",
              false,
              List.of(LOAD_BALANCERS, FORWARDERS)),
          new OwnedApi(
              Forwarder.class,
              "Forwarder",
              "One DPDK forwarder connected to the operator: its node, the snapshot generation it"
                  + " applied, VIPs owned, services refused and packet rate. Kept by the"
                  + " operator.",
              true,
              List.of(LOAD_BALANCERS)),
          new OwnedApi(
              ForwarderSet.class,
              "Forwarder Set",
              "The forwarders of the cluster: the operator renders it into a DaemonSet of DPDK"
                  + " forwarder pods (hugepages, data port or SR-IOV VF, EAL cores, placement,"
                  + " resources) and reports how many are ready.",
              false,
              List.of(
                  new Related("DaemonSet", "daemonsets", "v1"),
                  new Related("ConfigMap", "configmaps", "v1"),
                  new Related("Pod", "pods", "v1"),
                  FORWARDERS)));

  public String kind() {
    return HasMetadata.getKind(type);
  }

  public String version() {
    return HasMetadata.getVersion(type);
  }

  public String group() {
    return HasMetadata.getGroup(type);
  }

  /** plural.group, the CRD's name. */
  public String crdName() {
    return HasMetadata.getFullResourceName(type);
  }
}
