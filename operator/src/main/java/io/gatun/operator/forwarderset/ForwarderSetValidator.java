package io.gatun.operator.forwarderset;

import io.gatun.operator.api.ForwarderSet;
import io.gatun.operator.api.ForwarderSetSpec;
import io.gatun.operator.ipam.IpAddress;
import io.gatun.operator.ipam.IpFamily;
import io.gatun.operator.schema.CrdRules;
import io.gatun.operator.schema.Validation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Checks a ForwarderSet (defaults applied) beyond its schema: the CEL rules (servers before 1.25
 * ignore them), each node's addresses as the agent will parse them, and sizes that must agree (EAL
 * memory within the hugepages, whole pages, a CPU for each lcore).
 */
final class ForwarderSetValidator {

  private final CrdRules rules;

  ForwarderSetValidator(CrdRules rules) {
    this.rules = rules;
  }

  Validation validate(ForwarderSet set) {
    ForwarderSetSpec spec = set.getSpec();
    if (spec == null || spec.dataPort() == null) {
      return Validation.of(
          List.of("spec.dataPort is required: name a host interface or a VF, and the addresses"));
    }
    var problems = new ArrayList<>(rules.check(set));
    if (spec.dataPort().addresses() == null || spec.dataPort().addresses().isEmpty()) {
      problems.add(
          "spec.dataPort.addresses is empty: give each forwarder node its address on the data"
              + " port, e.g. {node-1: [198.18.0.2/24]}");
    } else {
      spec.dataPort().addresses().forEach((node, list) -> checkNode(node, list, problems));
    }
    long pages = spec.hugepages().amountMegabytes();
    long page = spec.hugepages().pageSizeMegabytes();
    if (pages % page != 0) {
      problems.add(
          "spec.hugepages.amount "
              + spec.hugepages().amount()
              + " is not a whole number of "
              + spec.hugepages().pageSize()
              + " pages: write a multiple of "
              + spec.hugepages().pageSize());
    }
    if (spec.eal().memoryMegabytes() > pages) {
      problems.add(
          "spec.eal.memoryMegabytes "
              + spec.eal().memoryMegabytes()
              + " is more than spec.hugepages.amount "
              + spec.hugepages().amount()
              + ": raise the amount or lower the memory");
    }
    int lcores = countCpus(spec.eal().lcores());
    String cpu = spec.resources().cpu();
    // Millicores: shared CPUs, nothing to count the lcores against (see ForwarderResources).
    if (!cpu.matches("[1-9][0-9]{0,5}m?")) {
      problems.add(
          "spec.resources.cpu \""
              + cpu
              + "\" is neither whole CPUs nor millicores: write e.g. 2 or 1500m");
    } else if (!cpu.endsWith("m") && lcores > Integer.parseInt(cpu)) {
      problems.add(
          "spec.eal.lcores "
              + spec.eal().lcores()
              + " names "
              + lcores
              + " CPUs but spec.resources.cpu is "
              + cpu
              + ": raise spec.resources.cpu to "
              + lcores
              + " or name fewer lcores (or give millicores, e.g. 1500m, to share CPUs)");
    }
    return Validation.of(problems);
  }

  private static void checkNode(String node, List<String> addresses, List<String> problems) {
    String field = "spec.dataPort.addresses[" + node + "]";
    if (addresses == null || addresses.isEmpty()) {
      problems.add(field + " is empty: give the node its address, e.g. [198.18.0.2/24]");
      return;
    }
    var families = new HashSet<IpFamily>();
    for (String text : addresses) {
      String[] parts = text.split("@");
      String[] cidr = parts[0].split("/");
      try {
        if (cidr.length != 2 || parts.length > 2) {
          throw new IllegalArgumentException("not ADDRESS/PREFIX[@GATEWAY]");
        }
        IpAddress address = IpAddress.parse(cidr[0]);
        int prefix = Integer.parseInt(cidr[1]);
        if (prefix < 1 || prefix > address.family().bits()) {
          throw new IllegalArgumentException(
              "prefix " + prefix + " is not between 1 and " + address.family().bits());
        }
        if (parts.length == 2 && IpAddress.parse(parts[1]).family() != address.family()) {
          throw new IllegalArgumentException("the gateway is of the other family");
        }
        if (!families.add(address.family())) {
          problems.add(
              field + " has two " + address.family().apiName() + " addresses: keep one per family");
        }
      } catch (IllegalArgumentException e) {
        problems.add(
            field
                + ": \""
                + text
                + "\" is not ADDRESS/PREFIX[@GATEWAY] ("
                + e.getMessage()
                + "): write e.g. 198.18.0.2/24 or 198.18.0.2/24@198.18.0.1");
      }
    }
  }

  /** How many CPUs an EAL list such as "0-3,8" names. */
  static int countCpus(String lcores) {
    int count = 0;
    for (String part : lcores.split(",")) {
      String[] range = part.split("-");
      count += range.length == 2 ? Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1 : 1;
    }
    return count;
  }
}
