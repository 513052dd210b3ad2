package io.gatun.operator.service;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.gatun.operator.api.ApiGroup;
import io.gatun.operator.api.Backends;
import io.gatun.operator.api.ExternalTrafficPolicy;
import io.gatun.operator.api.Forwarding;
import io.gatun.operator.api.ForwardingMode;
import io.gatun.operator.api.IpFamilyName;
import io.gatun.operator.api.IpFamilyPolicy;
import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.api.LoadBalancerSpec;
import io.gatun.operator.api.Protocol;
import io.gatun.operator.api.SessionAffinity;
import io.gatun.operator.api.SessionAffinityType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A Service of type LoadBalancer as a LoadBalancer spec: its ports, its own endpoints as backends,
 * its traffic and family policies, and Gatun's annotations. Annotations that do not parse are
 * reported and left out, never guessed.
 */
final class ServiceTranslation {

  static final String POOL = ApiGroup.GROUP + "/pool";
  static final String HEALTH_PROBE = ApiGroup.GROUP + "/health-probe";
  static final String FORWARDING_MODE = ApiGroup.GROUP + "/forwarding-mode";
  static final String SHARING_KEY = ApiGroup.GROUP + "/sharing-key";
  static final String ADDRESSES = ApiGroup.GROUP + "/addresses";

  /** The spec, and what was wrong with the Service's annotations. */
  record Result(LoadBalancerSpec spec, List<String> problems) {}

  private ServiceTranslation() {}

  static Result of(Service service) {
    var problems = new ArrayList<String>();
    var spec = service.getSpec();
    Map<String, String> annotations =
        service.getMetadata().getAnnotations() == null
            ? Map.of()
            : service.getMetadata().getAnnotations();

    List<String> addresses = null;
    if (annotations.containsKey(ADDRESSES)) {
      addresses =
          Arrays.stream(annotations.get(ADDRESSES).split(","))
              .map(String::trim)
              .filter(a -> !a.isEmpty())
              .toList();
    } else if (spec.getLoadBalancerIP() != null && !spec.getLoadBalancerIP().isBlank()) {
      addresses = List.of(spec.getLoadBalancerIP().trim()); // deprecated field, still honoured
    }

    Forwarding forwarding = null;
    String mode = annotations.get(FORWARDING_MODE);
    if (mode != null) {
      switch (mode) {
        case "FullNAT" -> forwarding = new Forwarding(ForwardingMode.FULL_NAT);
        case "NAT" -> forwarding = new Forwarding(ForwardingMode.NAT);
        case "DSR" -> forwarding = new Forwarding(ForwardingMode.DSR);
        default ->
            problems.add(
                "annotation "
                    + FORWARDING_MODE
                    + ": \""
                    + mode
                    + "\" is not FullNAT, NAT or DSR; using FullNAT");
      }
    }

    IpFamilyPolicy familyPolicy = null;
    if (spec.getIpFamilyPolicy() != null) {
      familyPolicy =
          switch (spec.getIpFamilyPolicy()) {
            case "PreferDualStack" -> IpFamilyPolicy.PREFER_DUAL_STACK;
            case "RequireDualStack" -> IpFamilyPolicy.REQUIRE_DUAL_STACK;
            default -> IpFamilyPolicy.SINGLE_STACK;
          };
    }
    List<IpFamilyName> families =
        spec.getIpFamilies() == null || spec.getIpFamilies().isEmpty()
            ? null
            : spec.getIpFamilies().stream()
                .filter(f -> f.equals("IPv4") || f.equals("IPv6"))
                .map(IpFamilyName::valueOf)
                .toList();

    var lbSpec =
        new LoadBalancerSpec(
            annotations.get(POOL),
            addresses,
            familyPolicy,
            families,
            annotations.get(SHARING_KEY),
            ports(spec.getPorts()),
            new Backends(service.getMetadata().getName(), null),
            "Local".equals(spec.getExternalTrafficPolicy())
                ? ExternalTrafficPolicy.Local
                : ExternalTrafficPolicy.Cluster,
            forwarding,
            null,
            null,
            "ClientIP".equals(spec.getSessionAffinity())
                ? new SessionAffinity(SessionAffinityType.ClientIP, null)
                : null,
            annotations.get(HEALTH_PROBE),
            null);
    return new Result(lbSpec, problems);
  }

  /**
   * Service ports as LoadBalancer ports. An unnamed port (a Service may leave its only port
   * unnamed) is named after its protocol and number. A numeric targetPort is kept; a named one is
   * resolved through the EndpointSlices, whose ports carry the Service port's name.
   */
  private static List<LoadBalancerPort> ports(List<ServicePort> ports) {
    if (ports == null) {
      return List.of();
    }
    return ports.stream()
        .map(
            p -> {
              Protocol protocol =
                  p.getProtocol() == null ? Protocol.TCP : Protocol.valueOf(p.getProtocol());
              String name =
                  p.getName() == null || p.getName().isEmpty()
                      ? protocol.name().toLowerCase() + "-" + p.getPort()
                      : p.getName();
              Integer target =
                  p.getTargetPort() != null && p.getTargetPort().getIntVal() != null
                      ? p.getTargetPort().getIntVal()
                      : null;
              return new LoadBalancerPort(name, protocol, p.getPort(), target);
            })
        .toList();
  }
}
