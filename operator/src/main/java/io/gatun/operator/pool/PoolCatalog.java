package io.gatun.operator.pool;

import io.gatun.operator.api.Pool;
import io.gatun.operator.api.PoolAllocation;
import io.gatun.operator.ipam.PoolAddresses;
import io.gatun.operator.schema.Validation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every Pool, checked: which ones can serve allocations and what is wrong with the others. Both the
 * Pool and the LoadBalancer reconciler read pools through it, so they always agree on which pool is
 * valid (including which of two overlapping pools wins: the older).
 */
public final class PoolCatalog {

  /** One pool, its parsed addresses (null when they do not parse) and its problems. */
  public record Entry(Pool pool, PoolAddresses addresses, Validation validation) {

    public boolean usable() {
      return addresses != null && validation.valid();
    }

    public String name() {
      return pool.getMetadata().getName();
    }

    public PoolAllocation allocation() {
      return pool.getSpec() == null ? null : pool.getSpec().allocation();
    }
  }

  /** Oldest first, then by name: the order in which pools claim addresses. */
  static final Comparator<Pool> AGE =
      Comparator.comparing(
              (Pool p) ->
                  p.getMetadata().getCreationTimestamp() == null
                      ? ""
                      : p.getMetadata().getCreationTimestamp())
          .thenComparing(p -> p.getMetadata().getName());

  private final Map<String, Entry> entries;

  private PoolCatalog(Map<String, Entry> entries) {
    this.entries = entries;
  }

  static PoolCatalog of(List<Pool> pools, PoolValidator validator) {
    var entries = new TreeMap<String, Entry>();
    var older = new ArrayList<PoolAddresses>();
    for (Pool pool : pools.stream().sorted(AGE).toList()) {
      var result = validator.validate(pool, List.copyOf(older));
      if (result.addresses() != null) {
        older.add(result.addresses());
      }
      entries.put(
          pool.getMetadata().getName(), new Entry(pool, result.addresses(), result.validation()));
    }
    return new PoolCatalog(entries);
  }

  public Optional<Entry> entry(String name) {
    return Optional.ofNullable(entries.get(name));
  }

  /** The pools that can serve allocations, by name. */
  public List<Entry> usable() {
    return entries.values().stream().filter(Entry::usable).toList();
  }
}
