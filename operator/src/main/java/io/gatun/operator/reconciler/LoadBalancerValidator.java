package io.gatun.operator.reconciler;

import io.gatun.operator.api.Backends;
import io.gatun.operator.api.ForwardingMode;
import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.api.LoadBalancerSpec;
import io.gatun.operator.api.Scheduling;
import io.gatun.operator.api.StaticBackend;
import io.gatun.operator.ipam.IpAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Checks what the CRD schema cannot: rules between fields (the CRD's CEL rules, which API servers
 * before 1.25 ignore), exact address syntax, and features this version does not program yet.
 */
final class LoadBalancerValidator {

  Validation validate(LoadBalancerSpec spec) {
    var invalid = new ArrayList<String>();
    var unsupported = new ArrayList<String>();
    if (spec == null) {
      return new Validation(List.of("spec is missing"), List.of());
    }
    checkPorts(spec.ports(), invalid);
    checkBackends(spec.backends(), invalid);
    for (String address : spec.addresses()) {
      checkAddress("spec.addresses", address, invalid);
    }
    if (spec.forwardingModeOrDefault() != ForwardingMode.FULL_NAT) {
      unsupported.add(
          "forwarding mode "
              + spec.forwardingModeOrDefault().apiName()
              + " is not supported yet (this version programs FullNAT)");
    }
    if (spec.schedulingOrDefault() != Scheduling.MAGLEV) {
      unsupported.add(
          "scheduling "
              + spec.schedulingOrDefault().apiName()
              + " is not supported yet (this version programs Maglev)");
    }
    return new Validation(invalid, unsupported);
  }

  private static void checkPorts(List<LoadBalancerPort> ports, List<String> invalid) {
    if (ports.isEmpty()) {
      invalid.add("spec.ports needs at least one port");
    }
    var names = new HashSet<String>();
    var portProtocols = new HashSet<String>();
    for (LoadBalancerPort port : ports) {
      if (!names.add(port.name())) {
        invalid.add("port name " + port.name() + " is used twice");
      }
      if (port.port() != null && !portProtocols.add(port.port() + "/" + port.protocolOrDefault())) {
        invalid.add("port " + port.port() + "/" + port.protocolOrDefault() + " is listed twice");
      }
    }
  }

  private static void checkBackends(Backends backends, List<String> invalid) {
    if (backends == null
        || (backends.serviceRef() == null) == (backends.staticBackends() == null)) {
      invalid.add("spec.backends needs exactly one of serviceRef or static");
      return;
    }
    if (backends.staticBackends() != null) {
      for (StaticBackend backend : backends.staticBackends()) {
        checkAddress("spec.backends.static", backend.address(), invalid);
      }
    }
  }

  private static void checkAddress(String field, String text, List<String> invalid) {
    try {
      IpAddress.parse(text);
    } catch (IllegalArgumentException e) {
      invalid.add(field + ": " + e.getMessage());
    }
  }
}
