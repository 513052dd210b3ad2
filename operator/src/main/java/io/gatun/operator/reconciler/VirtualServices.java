package io.gatun.operator.reconciler;

import io.gatun.control.v1.ForwardingMode;
import io.gatun.control.v1.Protocol;
import io.gatun.control.v1.Scheduling;
import io.gatun.control.v1.VirtualService;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.ipam.IpAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Translates an accepted, allocated LoadBalancer into the virtual services forwarders run. */
final class VirtualServices {

  private VirtualServices() {}

  /**
   * One service per (VIP, port), keyed {@code <namespace>/<name>/<port name>}. With more than one
   * VIP (dual stack, later) the key gains {@code /<family>} so keys stay unique.
   */
  static List<VirtualService> of(LoadBalancer lb, List<IpAddress> vips, BackendSet backends) {
    var spec = lb.getSpec();
    var services = new ArrayList<VirtualService>();
    for (IpAddress vip : vips) {
      for (LoadBalancerPort port : spec.ports()) {
        services.add(
            VirtualService.newBuilder()
                .setKey(key(lb, port, vips.size() > 1 ? vip : null))
                .setVip(vip.toString())
                .setPort(port.port())
                .setProtocol(protocol(port))
                .setMode(mode(spec.forwardingModeOrDefault()))
                .setScheduling(scheduling(spec.schedulingOrDefault()))
                .addAllBackends(backends.forPort(port, vip.family()))
                .build());
      }
    }
    services.sort(Comparator.comparing(VirtualService::getKey));
    return services;
  }

  static String key(LoadBalancer lb, LoadBalancerPort port, IpAddress vipWhenSeveral) {
    String key =
        lb.getMetadata().getNamespace() + "/" + lb.getMetadata().getName() + "/" + port.name();
    return vipWhenSeveral == null ? key : key + "/" + vipWhenSeveral.family().apiName();
  }

  private static Protocol protocol(LoadBalancerPort port) {
    return switch (port.protocolOrDefault()) {
      case TCP -> Protocol.TCP;
      case UDP -> Protocol.UDP;
      case SCTP -> Protocol.SCTP;
    };
  }

  private static ForwardingMode mode(io.gatun.operator.api.ForwardingMode mode) {
    return switch (mode) {
      case FULL_NAT -> ForwardingMode.FULL_NAT;
      case NAT -> ForwardingMode.NAT;
      case DSR -> ForwardingMode.DSR;
    };
  }

  private static Scheduling scheduling(io.gatun.operator.api.Scheduling scheduling) {
    return switch (scheduling) {
      case MAGLEV -> Scheduling.MAGLEV;
      case ROUND_ROBIN -> Scheduling.ROUND_ROBIN;
      case WEIGHTED_ROUND_ROBIN -> Scheduling.WEIGHTED_ROUND_ROBIN;
      case LEAST_CONNECTIONS -> Scheduling.LEAST_CONNECTIONS;
      case SOURCE_HASH -> Scheduling.SOURCE_HASH;
    };
  }
}
