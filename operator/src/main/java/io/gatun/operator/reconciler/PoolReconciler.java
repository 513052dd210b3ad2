package io.gatun.operator.reconciler;

import io.gatun.operator.api.Pool;
import io.gatun.operator.api.PoolStatus;
import io.gatun.operator.ipam.IpAddress;
import io.gatun.operator.ipam.Ipam;
import io.gatun.operator.ipam.IpamListener;
import io.gatun.operator.ipam.Owner;
import io.gatun.operator.ipam.PoolAddresses;
import io.gatun.operator.status.EventRecorder;
import io.gatun.operator.status.StatusWriter;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reports a Pool's health and usage: whether its addresses parse, and how many are taken.
 *
 * <p>Runs again when the Pool changes and whenever IPAM hands out or takes back one of its
 * addresses. Allocation itself belongs to the LoadBalancer reconciler.
 */
@ControllerConfiguration(name = PoolReconciler.NAME)
public final class PoolReconciler implements Reconciler<Pool> {

  public static final String NAME = "pool";

  private final Ipam ipam;
  private final EventRecorder recorder;
  private final PoolStatusBuilder statusBuilder;
  private final StatusWriter<Pool, PoolStatus> statusWriter = new StatusWriter<>(Pool::new);

  public PoolReconciler(Ipam ipam, EventRecorder recorder, Clock clock) {
    this.ipam = ipam;
    this.recorder = recorder;
    this.statusBuilder = new PoolStatusBuilder(clock);
  }

  @Override
  public UpdateControl<Pool> reconcile(Pool pool, Context<Pool> context) {
    StatusUpdate<PoolStatus> update;
    try {
      PoolAddresses addresses = Pools.addresses(pool);
      update = statusBuilder.valid(pool, ipam.usage(addresses));
    } catch (IllegalArgumentException e) {
      update = statusBuilder.invalid(pool, e.getMessage());
    }

    if (statusWriter.writeIfChanged(pool, update.status(), context)) {
      update.transitions().stream()
          .filter(condition -> !condition.isTrue())
          .forEach(
              condition ->
                  recorder.record(
                      pool, EventRecorder.Type.Warning, "ValidationFailed", condition.message()));
    }
    return UpdateControl.noUpdate();
  }

  @Override
  public List<EventSource<?, Pool>> prepareEventSources(EventSourceContext<Pool> context) {
    var leaseChanges = new SimpleInboundEventSource<Pool>("lease-changes");
    ipam.addListener(
        new IpamListener() {
          @Override
          public void leaseChanged(Owner owner, List<IpAddress> before, List<IpAddress> after) {
            context
                .getPrimaryCache()
                .list(
                    pool ->
                        Stream.concat(before.stream(), after.stream())
                            .anyMatch(a -> contains(pool, a)))
                .forEach(pool -> leaseChanges.propagateEvent(ResourceID.fromResource(pool)));
          }
        });
    return List.of(leaseChanges);
  }

  private static boolean contains(Pool pool, IpAddress address) {
    return Pools.validAddresses(pool).map(addresses -> addresses.contains(address)).orElse(false);
  }
}
