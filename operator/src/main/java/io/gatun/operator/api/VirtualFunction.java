package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * An SR-IOV VF requested from the SR-IOV network device plugin as an extended resource; the plugin
 * gives its PCI address in the environment variable {@code PCIDEVICE_<resource name, upper case,
 * '/' and '.' as '_'>}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VirtualFunction(
    @Required
        @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?/[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$")
        @JsonPropertyDescription(
            "The device plugin's extended resource, e.g. intel.com/intel_sriov_dpdk.")
        String resourceName) {

  /** Where the device plugin puts the VF's PCI address. */
  public String pciAddressVariable() {
    return "PCIDEVICE_" + resourceName.toUpperCase(java.util.Locale.ROOT).replaceAll("[/.]", "_");
  }
}
