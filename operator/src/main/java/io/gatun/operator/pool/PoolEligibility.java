package io.gatun.operator.pool;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.gatun.operator.api.PoolAllocation;
import io.gatun.operator.backends.LabelSelectors;
import io.gatun.operator.ipam.PoolAddresses;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which pools may serve a LoadBalancer, most preferred first (MetalLB's rules for
 * serviceAllocation): a pool with an allocation serves only the LoadBalancers it matches; those
 * matching pools come first, by priority (lowest first, unset last) then name; then the pools
 * without an allocation, by name.
 *
 * @param namespace the LoadBalancer's namespace
 * @param namespaceLabels that namespace's labels
 * @param labels the LoadBalancer's labels (a generated one carries its Service's)
 */
public record PoolEligibility(
    String namespace, Map<String, String> namespaceLabels, Map<String, String> labels) {

  /** The pools to take any free address from: autoAssign ones only. */
  public List<PoolAddresses> forAutoAssign(PoolCatalog catalog) {
    return ordered(catalog.usable().stream().filter(e -> e.addresses().autoAssign()).toList());
  }

  /** The pools an explicitly requested address may come from: autoAssign or not. */
  public List<PoolAddresses> forRequestedAddresses(PoolCatalog catalog) {
    return ordered(catalog.usable());
  }

  public boolean allows(PoolCatalog.Entry entry) {
    PoolAllocation allocation = entry.allocation();
    if (allocation == null) {
      return true;
    }
    boolean namespaceScoped =
        notEmpty(allocation.namespaces()) || notEmpty(allocation.namespaceSelectors());
    boolean namespaceOk =
        !namespaceScoped
            || (allocation.namespaces() != null && allocation.namespaces().contains(namespace))
            || anyMatches(allocation.namespaceSelectors(), namespaceLabels);
    boolean labelsOk =
        !notEmpty(allocation.serviceSelectors())
            || anyMatches(allocation.serviceSelectors(), labels);
    return namespaceOk && labelsOk;
  }

  /** Whom a pool with an allocation serves, for messages. */
  public static String describe(PoolAllocation allocation) {
    var parts = new ArrayList<String>();
    if (notEmpty(allocation.namespaces())) {
      parts.add("namespaces " + String.join(", ", allocation.namespaces()));
    }
    labelled("namespaces", allocation.namespaceSelectors()).ifPresent(parts::add);
    labelled("LoadBalancers", allocation.serviceSelectors()).ifPresent(parts::add);
    return parts.isEmpty() ? "everyone" : String.join("; ", parts);
  }

  /** "namespaces labelled a=b or c in (d)"; empty without selectors. */
  private static Optional<String> labelled(String who, List<LabelSelector> selectors) {
    if (!notEmpty(selectors)) {
      return Optional.empty();
    }
    return Optional.of(
        who
            + " labelled "
            + String.join(" or ", selectors.stream().map(LabelSelectors::describe).toList()));
  }

  private List<PoolAddresses> ordered(List<PoolCatalog.Entry> usable) {
    var scoped =
        usable.stream()
            .filter(e -> e.allocation() != null && allows(e))
            .sorted(
                Comparator.comparing(
                        (PoolCatalog.Entry e) ->
                            e.allocation().priority() == null
                                ? Integer.MAX_VALUE
                                : e.allocation().priority())
                    .thenComparing(PoolCatalog.Entry::name))
            .map(PoolCatalog.Entry::addresses);
    var open =
        usable.stream()
            .filter(e -> e.allocation() == null)
            .sorted(Comparator.comparing(PoolCatalog.Entry::name))
            .map(PoolCatalog.Entry::addresses);
    var all = new ArrayList<PoolAddresses>();
    scoped.forEach(all::add);
    open.forEach(all::add);
    return all;
  }

  private static boolean anyMatches(List<LabelSelector> selectors, Map<String, String> labels) {
    return selectors != null && selectors.stream().anyMatch(s -> LabelSelectors.matches(s, labels));
  }

  private static boolean notEmpty(List<?> list) {
    return list != null && !list.isEmpty();
  }
}
