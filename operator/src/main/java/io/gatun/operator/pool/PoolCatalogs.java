package io.gatun.operator.pool;

import io.gatun.operator.api.Pool;
import io.gatun.operator.schema.CrdRules;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Builds {@link PoolCatalog}s, and reuses the last one while no pool's spec changed: checking pools
 * (CEL, parsing, overlaps) on every LoadBalancer reconcile would cost more than the reconcile.
 */
public final class PoolCatalogs {

  private record Key(String name, String uid, Long generation) {}

  private final PoolValidator validator;
  private List<Key> lastKey;
  private PoolCatalog last;

  public PoolCatalogs() {
    this(new PoolValidator(CrdRules.forKind(Pool.class)));
  }

  PoolCatalogs(PoolValidator validator) {
    this.validator = validator;
  }

  public synchronized PoolCatalog of(Collection<Pool> pools) {
    List<Key> key =
        pools.stream()
            .map(
                p ->
                    new Key(
                        p.getMetadata().getName(),
                        p.getMetadata().getUid(),
                        p.getMetadata().getGeneration()))
            .sorted(Comparator.comparing(Key::name))
            .toList();
    if (!Objects.equals(key, lastKey)) {
      last = PoolCatalog.of(List.copyOf(pools), validator);
      lastKey = key;
    }
    return last;
  }
}
