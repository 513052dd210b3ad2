package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/** How and where a pool's VIPs are announced. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.mode == 'BGP' ? has(self.bgp) : !has(self.bgp)",
    message = "bgp is required in BGP mode and not allowed in L2 mode: set both or neither")
public record Announcement(
    @Default("L2")
        @JsonPropertyDescription(
            "L2 (the owning forwarder answers ARP/NDP for the VIP) or BGP (forwarders advertise"
                + " it to peers).")
        AnnouncementMode mode,
    @JsonPropertyDescription(
            "Which forwarders, by their node's labels, may own the pool's VIPs; all when unset.")
        LabelSelector nodeSelector,
    @Size(max = 16)
        @JsonPropertyDescription(
            "Forwarder ports (interface or DPDK port names) to announce on; all when unset.")
        List<@Pattern(Names.INTERFACE) String> interfaces,
    @JsonPropertyDescription("BGP peers and path attributes; BGP mode only.") BgpAnnouncement bgp,
    @JsonPropertyDescription(
            "L2 mode's failover timers: advertisement interval, multiplier, gratuitous ARPs;"
                + " defaults fail over in under a second.")
        L2Announcement l2) {

  public Announcement {
    interfaces = interfaces == null ? null : List.copyOf(interfaces);
  }

  public Announcement(
      AnnouncementMode mode,
      LabelSelector nodeSelector,
      List<String> interfaces,
      BgpAnnouncement bgp) {
    this(mode, nodeSelector, interfaces, bgp, null);
  }

  public L2Announcement l2OrDefaults() {
    return l2 == null ? L2Announcement.DEFAULTS : l2;
  }
}
