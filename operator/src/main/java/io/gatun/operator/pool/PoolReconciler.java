package io.gatun.operator.pool;

import io.gatun.operator.api.Condition;
import io.gatun.operator.api.Pool;
import io.gatun.operator.api.PoolStatus;
import io.gatun.operator.ipam.Ipam;
import io.gatun.operator.ipam.IpamListener;
import io.gatun.operator.ipam.Lease;
import io.gatun.operator.ipam.Owner;
import io.gatun.operator.ipam.PoolUsage;
import io.gatun.operator.metrics.PoolMetrics;
import io.gatun.operator.schema.Validation;
import io.gatun.operator.status.EventRecorder;
import io.gatun.operator.status.StatusThrottle;
import io.gatun.operator.status.StatusWriter;
import io.gatun.operator.watch.SpecChanged;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reports a Pool's validity and usage: whether its addresses parse and overlap no older pool, how
 * many are taken per family, and which LoadBalancers hold addresses its ranges no longer contain.
 *
 * <p>Runs again when any Pool's spec changes (overlaps depend on the others) and whenever IPAM
 * hands out or takes back one of its addresses. Allocation itself belongs to the LoadBalancer
 * reconciler.
 */
@ControllerConfiguration(name = PoolReconciler.NAME, triggerReconcilerOnAllEvents = true)
public final class PoolReconciler implements Reconciler<Pool> {

  public static final String NAME = "pool";
  private static final String OTHER_POOLS = "other-pools";

  /** The reason a LoadBalancer that finds no free address reports too. */
  private static final String EXHAUSTED_EVENT = "PoolExhausted";

  private final Ipam ipam;
  private final PoolCatalogs catalogs;
  private final PoolMetrics metrics;
  private final EventRecorder recorder;
  private final PoolStatusBuilder statusBuilder;
  private final StatusWriter<Pool, PoolStatus> statusWriter = new StatusWriter<>();
  private final StatusThrottle throttle = new StatusThrottle(Duration.ofSeconds(1));

  public PoolReconciler(
      Ipam ipam, PoolCatalogs catalogs, PoolMetrics metrics, EventRecorder recorder, Clock clock) {
    this.ipam = ipam;
    this.metrics = metrics;
    this.catalogs = catalogs;
    this.recorder = recorder;
    this.statusBuilder = new PoolStatusBuilder(clock);
  }

  @Override
  public UpdateControl<Pool> reconcile(Pool pool, Context<Pool> context) {
    if (context.isPrimaryResourceDeleted()) {
      metrics.forget(pool.getMetadata().getName()); // seen only so: pools carry no finalizer
      return UpdateControl.noUpdate();
    }
    // A busy pool is reconciled after every allocation; its status is refreshed at most once a
    // second (spec changes included: a second is nothing to a human reading it).
    Duration wait = throttle.delayFor(pool.getMetadata().getName());
    if (!wait.isZero()) {
      return UpdateControl.<Pool>noUpdate().rescheduleAfter(wait);
    }
    List<Pool> all =
        Stream.concat(Stream.of(pool), context.getPrimaryCache().list(p -> !sameName(p, pool)))
            .toList();
    PoolCatalog.Entry entry = catalogs.of(all).entry(pool.getMetadata().getName()).orElseThrow();

    List<PoolUsage> usage = entry.addresses() == null ? List.of() : ipam.usage(entry.addresses());
    List<Lease> leases = ipam.leasesFrom(pool.getMetadata().getName());
    List<Lease> outside =
        leases.stream()
            .filter(
                lease ->
                    entry.addresses() != null
                        && !lease.addresses().stream().allMatch(entry.addresses()::contains))
            .toList();

    var update = statusBuilder.build(pool, entry, usage, leases, outside);
    metrics.record(pool.getMetadata().getName(), PoolStatusBuilder.metrics(update.status()));
    throttle.ran(pool.getMetadata().getName());
    if (statusWriter.writeIfChanged(pool, update.status(), context)) {
      update.transitions().forEach(condition -> record(pool, condition));
    }
    return UpdateControl.noUpdate();
  }

  private void record(Pool pool, Condition condition) {
    if (condition.isTrue()) {
      return;
    }
    switch (condition.type()) {
      case Pool.VALID ->
          recorder.record(
              pool, EventRecorder.Type.Warning, Validation.FAILED_EVENT, condition.message());
      case Pool.READY -> {
        if (PoolStatusBuilder.OUTSIDE_RANGES.equals(condition.reason())) {
          recorder.record(
              pool,
              EventRecorder.Type.Warning,
              PoolStatusBuilder.OUTSIDE_RANGES,
              condition.message());
        } else if (PoolStatusBuilder.EXHAUSTED.equals(condition.reason())) {
          recorder.record(pool, EventRecorder.Type.Warning, EXHAUSTED_EVENT, condition.message());
        }
      }
      default -> {}
    }
  }

  @Override
  public List<EventSource<?, Pool>> prepareEventSources(EventSourceContext<Pool> context) {
    var leaseChanges = new SimpleInboundEventSource<Pool>("lease-changes");
    ipam.addListener(
        new IpamListener() {
          @Override
          public void leaseChanged(Owner owner, Lease before, Lease after) {
            Stream.of(before, after)
                .filter(Objects::nonNull)
                .map(Lease::pool)
                .filter(Objects::nonNull)
                .distinct()
                .forEach(pool -> leaseChanges.propagateEvent(new ResourceID(pool)));
          }
        });
    // Overlaps and their winner depend on the other pools: any pool's spec change (or arrival,
    // or departure) is every pool's business.
    var otherPools =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pool.class, Pool.class)
                .withName(OTHER_POOLS)
                .withSecondaryToPrimaryMapper(
                    changed ->
                        context
                            .getPrimaryCache()
                            .list(p -> !sameName(p, changed))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .withOnUpdateFilter(SpecChanged.FILTER)
                .build(),
            context);
    return List.of(leaseChanges, otherPools);
  }

  private static boolean sameName(Pool a, Pool b) {
    return a.getMetadata().getName().equals(b.getMetadata().getName());
  }
}
