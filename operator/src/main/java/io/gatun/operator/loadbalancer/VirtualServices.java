package io.gatun.operator.loadbalancer;

import com.google.protobuf.ProtocolMessageEnum;
import io.gatun.control.v1.Family;
import io.gatun.control.v1.Feature;
import io.gatun.control.v1.ForwardingMode;
import io.gatun.control.v1.HealthCheck;
import io.gatun.control.v1.Protocol;
import io.gatun.control.v1.Scheduling;
import io.gatun.control.v1.VirtualService;
import io.gatun.operator.api.Encapsulation;
import io.gatun.operator.api.ExternalTrafficPolicy;
import io.gatun.operator.api.HealthProbe;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.backends.BackendSet;
import io.gatun.operator.control.DesiredServices;
import io.gatun.operator.healthprobe.HealthChecks;
import io.gatun.operator.ipam.IpAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Translates a valid, allocated LoadBalancer into what forwarders run: its virtual services and the
 * capabilities they need.
 */
final class VirtualServices {

  private VirtualServices() {}

  /**
   * One service per (VIP, port), keyed {@code <namespace>/<name>/<port name>}; with two VIPs (dual
   * stack) the key gains {@code /<family>} so keys stay unique.
   *
   * @param probe the HealthProbe to run against the backends; null for none
   */
  static DesiredServices of(
      LoadBalancer lb, List<IpAddress> vips, BackendSet backends, HealthProbe probe) {
    var spec = lb.getSpec();
    var services = new ArrayList<VirtualService>();
    HealthCheck check = probe == null ? null : HealthChecks.of(probe);
    for (IpAddress vip : vips) {
      for (LoadBalancerPort port : spec.ports()) {
        var serving = backends.forPort(port, vip.family());
        var service =
            VirtualService.newBuilder()
                .setKey(key(lb, port, vips.size() > 1 ? vip : null))
                .setVip(vip.toString())
                .setPort(port.port())
                .setProtocol(protocol(port))
                .setMode(mode(spec.forwardingModeOrDefault(), spec.encapsulationOrDefault()))
                .setScheduling(scheduling(spec.schedulingOrDefault()))
                .setMaglevTableSize(spec.maglevTableSizeFor(serving.size()))
                .setSessionAffinityTimeoutSeconds(affinitySeconds(spec))
                .addAllBackends(serving);
        if (check != null) {
          service.setHealthCheck(check);
        }
        services.add(service.build());
      }
    }
    services.sort(Comparator.comparing(VirtualService::getKey));
    boolean nodeLocal = spec.externalTrafficPolicyOrDefault() == ExternalTrafficPolicy.Local;
    return new DesiredServices(
        services, requires(lb, vips), nodeLocal, nodeLocal ? backends.nodes() : Map.of());
  }

  static String key(LoadBalancer lb, LoadBalancerPort port, IpAddress vipWhenSeveral) {
    String key =
        lb.getMetadata().getNamespace() + "/" + lb.getMetadata().getName() + "/" + port.name();
    return vipWhenSeveral == null ? key : key + "/" + vipWhenSeveral.family().apiName();
  }

  /**
   * The forwarder capabilities the services need, as forwarders advertise them in Hello: the
   * services' own family, protocol, forwarding mode and scheduling values, and session affinity.
   */
  static Set<ProtocolMessageEnum> requires(LoadBalancer lb, List<IpAddress> vips) {
    var spec = lb.getSpec();
    var needs = new HashSet<ProtocolMessageEnum>();
    vips.forEach(vip -> needs.add(Family.valueOf(vip.family().name())));
    spec.ports().forEach(port -> needs.add(protocol(port)));
    needs.add(mode(spec.forwardingModeOrDefault(), spec.encapsulationOrDefault()));
    needs.add(scheduling(spec.schedulingOrDefault()));
    if (affinitySeconds(spec) > 0) {
      needs.add(Feature.SESSION_AFFINITY);
    }
    return needs;
  }

  /** ClientIP affinity's timeout, 3 hours unless given (Kubernetes Services' default); 0 = off. */
  static int affinitySeconds(io.gatun.operator.api.LoadBalancerSpec spec) {
    if (spec.sessionAffinityOrDefault() != io.gatun.operator.api.SessionAffinityType.ClientIP) {
      return 0;
    }
    Integer timeout = spec.sessionAffinity().timeoutSeconds();
    return timeout == null ? DEFAULT_AFFINITY_SECONDS : timeout;
  }

  static final int DEFAULT_AFFINITY_SECONDS = 10800;

  // The API's enums and the control channel's share their names (the API spells them for users
  // through @JsonProperty): each value is the other's of the same name, nothing re-spelled.

  static Protocol protocol(LoadBalancerPort port) {
    return Protocol.valueOf(port.protocolOrDefault().name());
  }

  /** The API's mode, except that DSR with IPIP is one mode of its own on the channel. */
  static ForwardingMode mode(
      io.gatun.operator.api.ForwardingMode mode, Encapsulation encapsulation) {
    return mode == io.gatun.operator.api.ForwardingMode.DSR && encapsulation == Encapsulation.IPIP
        ? ForwardingMode.DSR_IPIP
        : ForwardingMode.valueOf(mode.name());
  }

  static Scheduling scheduling(io.gatun.operator.api.Scheduling scheduling) {
    return Scheduling.valueOf(scheduling.name());
  }
}
