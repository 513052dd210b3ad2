package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The desired state of a {@link LoadBalancer}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.ports.all(p, self.ports.exists_one(q, q.name == p.name))",
    message = "port names must be unique: rename the duplicate")
@ValidationRule(
    value =
        "self.ports.all(p, self.ports.exists_one(q, q.port == p.port"
            + " && q.protocol == p.protocol))",
    message = "each port and protocol pair may appear once in ports: remove the duplicate")
@ValidationRule(
    value =
        "!has(self.ipFamilies) || self.ipFamilies.all(f, self.ipFamilies.exists_one(g, g == f))",
    message = "ipFamilies lists a family twice: list each once")
@ValidationRule(
    value =
        "self.ipFamilyPolicy != 'SingleStack'"
            + " || ((!has(self.ipFamilies) || size(self.ipFamilies) <= 1)"
            + " && (!has(self.addresses) || size(self.addresses) <= 1))",
    message =
        "ipFamilyPolicy SingleStack takes at most one ipFamilies entry and one address: set"
            + " PreferDualStack or RequireDualStack for two")
@ValidationRule(
    value =
        "self.ipFamilyPolicy != 'RequireDualStack'"
            + " || ((!has(self.ipFamilies) || size(self.ipFamilies) == 2)"
            + " && (!has(self.addresses) || size(self.addresses) == 2))",
    message =
        "ipFamilyPolicy RequireDualStack needs both families: list IPv4 and IPv6 in ipFamilies"
            + " (or leave it out) and two addresses (or none)")
@ValidationRule(
    value = "self.externalTrafficPolicy != 'Local' || !has(self.backends.static)",
    message =
        "externalTrafficPolicy Local needs backends from serviceRef or selector: static backends"
            + " run on no node")
@ValidationRule(
    value = "!has(self.maglevTableSize) || self.scheduling == 'Maglev'",
    message = "maglevTableSize applies to scheduling Maglev only: remove it")
@ValidationRule(
    value =
        "!has(self.forwarding) || !has(self.forwarding.mode) || self.forwarding.mode != 'DSR'"
            + " || self.ports.all(p, !has(p.targetPort) || p.targetPort == p.port)",
    message =
        "forwarding mode DSR cannot translate ports (the backend answers the client from the"
            + " VIP's port): leave targetPort out or equal to port, or use mode FullNAT or NAT")
@ValidationRule(
    value =
        "!has(self.forwarding) || !has(self.forwarding.mode) || self.forwarding.mode != 'DSR'"
            + " || !has(self.backends.static)"
            + " || self.backends.static.all(b, !has(b.port) || self.ports.all(p, p.port == b.port))",
    message =
        "forwarding mode DSR cannot translate ports: a static backend's port must equal the port"
            + " of every entry in ports (or be left out), or use mode FullNAT or NAT")
public record LoadBalancerSpec(
    @Pattern(Names.DNS_SUBDOMAIN)
        @JsonPropertyDescription(
            "The Pool to allocate from. Without it, the autoAssign pools that allow this"
                + " LoadBalancer are tried in priority order (or, for spec.addresses, the pool"
                + " that contains them).")
        String poolRef,
    @Size(max = 2)
        @JsonPropertyDescription(
            "Requests these exact addresses (at most one per family) instead of any free one;"
                + " each must lie in an allowed Pool and be free or shareable.")
        List<@Pattern(Names.IP_ADDRESS) @Size(max = 45) String> addresses,
    @Default("SingleStack")
        @JsonPropertyDescription(
            "SingleStack (one address), PreferDualStack (one of each family when a pool has"
                + " both) or RequireDualStack (one of each family, or none).")
        IpFamilyPolicy ipFamilyPolicy,
    @Size(max = 2)
        @JsonPropertyDescription(
            "Families in order of preference; the first is the single-stack family. Default:"
                + " IPv4 first, then IPv6.")
        List<IpFamilyName> ipFamilies,
    @Size(max = 63)
        @Pattern(Names.SHARING_KEY)
        @JsonPropertyDescription(
            "LoadBalancers of one namespace with the same key may share a VIP when their ports"
                + " (port and protocol) do not overlap.")
        String sharingKey,
    @Required @Size(min = 1, max = 64) @JsonPropertyDescription("The ports the VIP serves.")
        List<LoadBalancerPort> ports,
    @Required @JsonPropertyDescription("Where traffic goes.") Backends backends,
    @Default("Cluster")
        @JsonPropertyDescription(
            "Cluster (any ready endpoint) or Local (each forwarder only sends to endpoints on its"
                + " own node).")
        ExternalTrafficPolicy externalTrafficPolicy,
    @Default("{}") @JsonPropertyDescription("How packets reach the backends.")
        Forwarding forwarding,
    @Default("Maglev") @JsonPropertyDescription("How a new flow picks its backend.")
        Scheduling scheduling,
    @Min(251)
        @Max(LoadBalancerSpec.MAX_MAGLEV_TABLE_SIZE)
        @JsonPropertyDescription(
            "Maglev lookup table size; must be prime, larger than the number of backends, about"
                + " 100 x the backends, at most 1000003. Default: the smallest of 251, 509, 1021,"
                + " 2039, 4093, 8191, 16381, 32749 and 65537 with 100 entries per backend.")
        Integer maglevTableSize,
    @JsonPropertyDescription("Whether a client keeps its backend across connections.")
        SessionAffinity sessionAffinity,
    @Pattern(Names.DNS_SUBDOMAIN)
        @JsonPropertyDescription(
            "A HealthProbe in this namespace that every forwarder runs against the backends.")
        String healthProbeRef,
    @JsonPropertyDescription("How flows of a removed backend are treated.") Draining draining) {

  /** The largest Maglev table a forwarder builds (a prime; the data plane's MAGLEV_MAX_SIZE). */
  public static final int MAX_MAGLEV_TABLE_SIZE = 1000003;

  /** The most backends one service may have in a forwarder (the data plane's limit). */
  public static final int MAX_BACKENDS_PER_SERVICE = 65534;

  public LoadBalancerSpec {
    addresses = addresses == null ? null : List.copyOf(addresses);
    ipFamilies = ipFamilies == null ? null : List.copyOf(ipFamilies);
    ports = ports == null ? List.of() : List.copyOf(ports);
  }

  /** The fields most LoadBalancers set; everything else defaulted. */
  public LoadBalancerSpec(
      String poolRef,
      List<String> addresses,
      List<LoadBalancerPort> ports,
      Backends backends,
      Forwarding forwarding,
      Scheduling scheduling) {
    this(
        poolRef,
        addresses,
        null,
        null,
        null,
        ports,
        backends,
        null,
        forwarding,
        scheduling,
        null,
        null,
        null,
        null);
  }

  public List<String> addressesOrEmpty() {
    return addresses == null ? List.of() : addresses;
  }

  public IpFamilyPolicy ipFamilyPolicyOrDefault() {
    return ipFamilyPolicy == null ? IpFamilyPolicy.SINGLE_STACK : ipFamilyPolicy;
  }

  public ExternalTrafficPolicy externalTrafficPolicyOrDefault() {
    return externalTrafficPolicy == null ? ExternalTrafficPolicy.Cluster : externalTrafficPolicy;
  }

  public ForwardingMode forwardingModeOrDefault() {
    return forwarding == null || forwarding.mode() == null
        ? ForwardingMode.FULL_NAT
        : forwarding.mode();
  }

  public Encapsulation encapsulationOrDefault() {
    return forwarding == null || forwarding.encapsulation() == null
        ? Encapsulation.None
        : forwarding.encapsulation();
  }

  /**
   * The size given, or the default for a service of that many backends ({@link MaglevTableSize}).
   */
  public int maglevTableSizeFor(int backends) {
    return maglevTableSize == null ? MaglevTableSize.forBackends(backends) : maglevTableSize;
  }

  /** Whether the backends must listen on the VIP's ports (DSR: nothing translates ports). */
  public boolean keepsPorts() {
    return forwardingModeOrDefault() == ForwardingMode.DSR;
  }

  public Scheduling schedulingOrDefault() {
    return scheduling == null ? Scheduling.MAGLEV : scheduling;
  }

  public SessionAffinityType sessionAffinityOrDefault() {
    return sessionAffinity == null || sessionAffinity.type() == null
        ? SessionAffinityType.None
        : sessionAffinity.type();
  }
}
