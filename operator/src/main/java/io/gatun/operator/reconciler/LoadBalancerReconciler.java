package io.gatun.operator.reconciler;

import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.LoadBalancerStatus;
import io.gatun.operator.control.DesiredState;
import io.gatun.operator.control.FleetListener;
import io.gatun.operator.control.ForwarderFleet;
import io.gatun.operator.control.Programming;
import io.gatun.operator.ipam.Ipam;
import io.gatun.operator.ipam.IpamListener;
import io.gatun.operator.ipam.Owner;
import io.gatun.operator.status.EventRecorder;
import io.gatun.operator.status.StatusWriter;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a LoadBalancer real: an address from IPAM, its virtual services in the desired state, and a
 * status saying how far the forwarders have got.
 *
 * <p>Runs again when the LoadBalancer, its Pool or its Service's EndpointSlices change, when a
 * forwarder connects, leaves or acknowledges a generation, and when addresses come free while it
 * waits for one.
 */
@ControllerConfiguration(
    name = LoadBalancerReconciler.NAME,
    finalizerName = LoadBalancerReconciler.FINALIZER)
public final class LoadBalancerReconciler
    implements Reconciler<LoadBalancer>, Cleaner<LoadBalancer> {

  public static final String NAME = "loadbalancer";

  /** Held until the address is released and the services withdrawn. */
  public static final String FINALIZER = "lb.gatun.io/finalizer";

  private static final Logger log = LoggerFactory.getLogger(LoadBalancerReconciler.class);

  private final Ipam ipam;
  private final AddressAllocator addresses;
  private final DesiredState desiredState;
  private final ForwarderFleet fleet;
  private final GroupVersionKind endpointSliceVersion;
  private final LoadBalancerObserver observer = new LoadBalancerObserver();
  private final LoadBalancerValidator validator = new LoadBalancerValidator();
  private final LoadBalancerStatusBuilder statusBuilder;
  private final LoadBalancerEvents events;
  private final StatusWriter<LoadBalancer, LoadBalancerStatus> statusWriter =
      new StatusWriter<>(LoadBalancer::new);

  public LoadBalancerReconciler(
      Ipam ipam,
      DesiredState desiredState,
      ForwarderFleet fleet,
      EventRecorder recorder,
      Clock clock,
      GroupVersionKind endpointSliceVersion) {
    this.ipam = ipam;
    this.addresses = new AddressAllocator(ipam);
    this.desiredState = desiredState;
    this.fleet = fleet;
    this.endpointSliceVersion = endpointSliceVersion;
    this.statusBuilder = new LoadBalancerStatusBuilder(clock);
    this.events = new LoadBalancerEvents(recorder);
  }

  @Override
  public UpdateControl<LoadBalancer> reconcile(LoadBalancer lb, Context<LoadBalancer> context) {
    Owner owner = ownerOf(lb);

    ObservedState observed = observer.observe(lb, context);

    Validation validation = validator.validate(lb.getSpec());

    LoadBalancerOutcome outcome =
        validation.accepted()
            ? program(owner, lb, observed, validation)
            : refuse(owner, lb, observed, validation);

    var update = statusBuilder.build(lb, outcome);
    if (statusWriter.writeIfChanged(lb, update.status(), context)) {
      events.record(lb, update.transitions());
    }
    return UpdateControl.noUpdate();
  }

  /** Holds an address and publishes the services (or withdraws them when no address is had). */
  private LoadBalancerOutcome program(
      Owner owner, LoadBalancer lb, ObservedState observed, Validation validation) {
    var backends = BackendSet.of(lb.getSpec(), observed.endpointSlices());
    AddressOutcome address = addresses.allocate(owner, lb.getSpec(), observed.pools());
    Programming programming = null;
    if (address instanceof AddressOutcome.Allocated allocated) {
      long generation =
          desiredState.publish(owner, VirtualServices.of(lb, allocated.addresses(), backends));
      programming = fleet.programming(generation);
    } else {
      desiredState.withdraw(owner);
    }
    return new LoadBalancerOutcome(
        validation, address, backends.counts(), backends.whyNoneHealthy(), programming);
  }

  /** A spec that is not accepted holds nothing and programs nothing. */
  private LoadBalancerOutcome refuse(
      Owner owner, LoadBalancer lb, ObservedState observed, Validation validation) {
    desiredState.withdraw(owner);
    addresses.release(owner);
    var backends = BackendSet.of(lb.getSpec(), observed.endpointSlices());
    return new LoadBalancerOutcome(
        validation,
        new AddressOutcome.NotAllocated(
            AddressOutcome.NOT_ACCEPTED, "nothing is allocated while the spec is not accepted"),
        backends.counts(),
        backends.whyNoneHealthy(),
        null);
  }

  @Override
  public DeleteControl cleanup(LoadBalancer lb, Context<LoadBalancer> context) {
    Owner owner = ownerOf(lb);
    // Withdraw first: the snapshot without these services is published before anyone else can
    // be given the address.
    desiredState.withdraw(owner);
    addresses.release(owner);
    log.info("LoadBalancer {} deleted: services withdrawn, addresses released", owner);
    return DeleteControl.defaultDelete();
  }

  @Override
  public List<EventSource<?, LoadBalancer>> prepareEventSources(
      EventSourceContext<LoadBalancer> context) {
    var nudges = new SimpleInboundEventSource<LoadBalancer>("nudges");
    fleet.addListener(
        new FleetListener() {
          @Override
          public void membershipChanged() {
            nudge(nudges, desiredState.owners());
          }

          @Override
          public void progressed(String forwarder, long after, long upTo) {
            nudge(nudges, desiredState.publishedBetween(after, upTo));
          }
        });
    ipam.addListener(
        new IpamListener() {
          @Override
          public void addressesFreed(Set<Owner> waiting) {
            nudge(nudges, waiting);
          }
        });
    return List.of(
        LoadBalancerWatches.pools(context),
        LoadBalancerWatches.endpointSlices(context, endpointSliceVersion),
        nudges);
  }

  private static void nudge(
      SimpleInboundEventSource<LoadBalancer> nudges, Collection<Owner> owners) {
    owners.forEach(owner -> nudges.propagateEvent(new ResourceID(owner.name(), owner.namespace())));
  }

  static Owner ownerOf(LoadBalancer lb) {
    return new Owner(lb.getMetadata().getNamespace(), lb.getMetadata().getName());
  }
}
