package io.gatun.operator.loadbalancer;

import io.gatun.operator.api.HealthProbe;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.LoadBalancerStatus;
import io.gatun.operator.backends.BackendHealthReport;
import io.gatun.operator.backends.LabelSelectors;
import io.gatun.operator.backends.UsableBackends;
import io.gatun.operator.control.DesiredServices;
import io.gatun.operator.control.DesiredState;
import io.gatun.operator.control.ForwarderFleet;
import io.gatun.operator.control.Programming;
import io.gatun.operator.healthprobe.HealthChecks;
import io.gatun.operator.healthprobe.HealthProbeUsers;
import io.gatun.operator.healthprobe.HealthProbeValidator;
import io.gatun.operator.ipam.IpAddress;
import io.gatun.operator.ipam.Ipam;
import io.gatun.operator.ipam.Owner;
import io.gatun.operator.pool.PoolCatalogs;
import io.gatun.operator.pool.PoolEligibility;
import io.gatun.operator.schema.CrdRules;
import io.gatun.operator.schema.Validation;
import io.gatun.operator.status.EventRecorder;
import io.gatun.operator.status.StatusWriter;
import io.gatun.operator.status.WriteGate;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a LoadBalancer real: an address from IPAM, its virtual services in the desired state, and a
 * status saying how far the forwarders have got.
 *
 * <p>Runs again when the LoadBalancer, its Pool, its backends (EndpointSlices, pods), its
 * HealthProbe or its namespace's labels change, when a forwarder connects, leaves or acknowledges a
 * snapshot version, when addresses come free while it waits for one, and when a LoadBalancer starts
 * or stops sharing its VIP.
 *
 * <p>Reconciles on deletion too ({@code triggerReconcilerOnAllEvents}) and puts no finalizer on
 * LoadBalancers: what a LoadBalancer holds (its address, its services in the snapshots) lives only
 * in this operator's memory and is rebuilt from the LoadBalancers there are, so one deleted while
 * no operator ran simply is not there at the next start. Without a finalizer a LoadBalancer costs
 * the API server one write less, and uninstalling Gatun in any order never leaves one stuck in
 * Terminating.
 */
@ControllerConfiguration(name = LoadBalancerReconciler.NAME, triggerReconcilerOnAllEvents = true)
public final class LoadBalancerReconciler implements Reconciler<LoadBalancer> {

  public static final String NAME = "loadbalancer";

  /**
   * The finalizer earlier versions put on every LoadBalancer: taken off when seen, so an upgraded
   * cluster's LoadBalancers can be deleted without this operator.
   */
  public static final String LEGACY_FINALIZER = "lb.gatun.io/finalizer";

  private static final Logger log = LoggerFactory.getLogger(LoadBalancerReconciler.class);

  /** How long a just-published configuration's status waits for the forwarders' answers. */
  static final Duration SETTLE = Duration.ofSeconds(2);

  private final Ipam ipam;
  private final AddressAllocator addresses;
  private final DesiredState desiredState;
  private final ForwarderFleet fleet;
  private final GroupVersionKind endpointSliceVersion;
  private final LoadBalancerObserver observer;
  private final HealthProbeUsers probeUsers;
  private final LoadBalancerValidator validator =
      new LoadBalancerValidator(CrdRules.forKind(LoadBalancer.class));
  private final SpecValidations validations = new SpecValidations(validator::validate);
  private final HealthProbeValidator probeValidator =
      new HealthProbeValidator(CrdRules.forKind(HealthProbe.class));
  private final LoadBalancerStatusBuilder statusBuilder;
  private final LoadBalancerEvents events;
  private final EventRecorder recorder;
  private final StatusWriter<LoadBalancer, LoadBalancerStatus> statusWriter;
  private final DrainingBackends draining = new DrainingBackends();
  private final SettleWakes settleWakes;
  private final Clock clock;

  public LoadBalancerReconciler(
      Ipam ipam,
      PoolCatalogs pools,
      HealthProbeUsers probeUsers,
      DesiredState desiredState,
      ForwarderFleet fleet,
      EventRecorder recorder,
      WriteGate writes,
      Clock clock,
      GroupVersionKind endpointSliceVersion,
      ScheduledExecutorService timer) {
    this.ipam = ipam;
    this.settleWakes = new SettleWakes(timer, fleet::answerAwaited);
    this.addresses = new AddressAllocator(ipam);
    this.observer = new LoadBalancerObserver(pools);
    this.probeUsers = probeUsers;
    this.desiredState = desiredState;
    this.fleet = fleet;
    this.endpointSliceVersion = endpointSliceVersion;
    this.clock = clock;
    this.statusBuilder = new LoadBalancerStatusBuilder(clock);
    this.events = new LoadBalancerEvents(recorder);
    this.recorder = recorder;
    this.statusWriter = new StatusWriter<>(writes);
  }

  @Override
  public UpdateControl<LoadBalancer> reconcile(LoadBalancer lb, Context<LoadBalancer> context) {
    Owner owner = ownerOf(lb);
    if (context.isPrimaryResourceDeleted() || lb.isMarkedForDeletion()) {
      release(owner);
      dropLegacyFinalizer(lb, context);
      return UpdateControl.noUpdate();
    }
    dropLegacyFinalizer(lb, context);

    ObservedState observed = observer.observe(lb, context);
    probeUsers.set(owner, lb.getSpec() == null ? null : lb.getSpec().healthProbeRef());

    Validation validation = validations.of(owner, lb);

    LoadBalancerOutcome outcome =
        validation.valid()
            ? program(owner, lb, observed, validation)
            : hold(owner, lb, observed, validation);

    Duration settle = settling(owner, outcome);
    if (!settle.isZero()) {
      if (outcome.programming().state() == Programming.State.PENDING) {
        // Not JOSDK's reschedule: SettleWakes leaves out the wake-up the forwarders' answer made.
        settleWakes.afterAnswer(owner, settle, outcome.programming().snapshotVersion());
        return UpdateControl.noUpdate();
      }
      // Programmed, waiting for its VIP owner's report: the report's reconcile cancels this.
      return UpdateControl.<LoadBalancer>noUpdate().rescheduleAfter(settle);
    }
    var update = statusBuilder.build(lb, outcome);
    if (statusWriter.writeIfChanged(lb, update.status(), context)) {
      events.record(lb, update.transitions());
    }
    var control = UpdateControl.<LoadBalancer>noUpdate();
    // Whichever comes first: a drain ends, a conflict no longer reported counts as over, or a new
    // LoadBalancer still without a ready backend stops waiting (a Warning from then on).
    var wake =
        Stream.of(
                outcome.drain().endsIn().stream(),
                outcome.announcing().conflictsEndIn(clock.instant()).stream(),
                AwaitingBackends.left(lb, outcome, clock.instant()).stream())
            .flatMap(s -> s)
            .min(Duration::compareTo);
    wake.ifPresent(control::rescheduleAfter);
    return control;
  }

  /**
   * A configuration published a moment ago is usually acknowledged a moment later: writing
   * "Pending" in between would cost every new LoadBalancer a second status write (and the API
   * server, at ten thousand of them, ten thousand writes). The status waits {@link #SETTLE} for the
   * forwarders' answers, then is written whatever they said. Two seconds, because in a burst the
   * answer comes a snapshot or two later: with 250 ms, 1,000 new LoadBalancers cost 1.7 status
   * writes each instead of 1.0 (bench/controlplane.sh prints the API requests per LoadBalancer).
   * For the same reason a just-programmed VIP that a fleet elects an owner for waits, within the
   * same two seconds, for the owner's report: otherwise it is written Programmed and NotAnnounced,
   * then again Announced (a third of 3,000 new LoadBalancers were, bench/controlplane.sh).
   */
  private Duration settling(Owner owner, LoadBalancerOutcome outcome) {
    var programming = outcome.programming();
    boolean waiting =
        programming != null
            && (programming.state() == Programming.State.PENDING
                || (programming.state() == Programming.State.PROGRAMMED
                    && outcome.announcing().ownerAwaited()));
    if (!waiting) {
      return Duration.ZERO;
    }
    return desiredState
        .ageOf(owner)
        .map(age -> SETTLE.minus(age))
        .filter(left -> left.isPositive())
        .orElse(Duration.ZERO);
  }

  /** Holds an address and publishes the services (or withdraws them when no address is had). */
  private LoadBalancerOutcome program(
      Owner owner, LoadBalancer lb, ObservedState observed, Validation validation) {
    var backends = observed.backends(lb.getSpec());
    var eligibility =
        new PoolEligibility(
            owner.namespace(), observed.namespaceLabels(), LabelSelectors.labelsOf(lb));
    AddressOutcome address =
        addresses.allocate(
            owner, lb.getSpec(), previousAddresses(lb), observed.pools(), eligibility);
    if (!address.addresses().isEmpty()) {
      // What only the VIPs tell: their families decide which backends a forwarder can reach.
      Validation forVips = validator.validateFor(lb, address.addresses());
      if (!forVips.valid()) {
        return hold(owner, lb, observed, forVips);
      }
      backends = UsableBackends.of(backends, lb.getSpec(), address.addresses());
    }
    ProbeProblem probeProblem =
        ProbeProblem.of(lb.getSpec().healthProbeRef(), observed.healthProbe(), probeValidator);
    HealthProbe probe = probeProblem == null ? observed.healthProbe() : null;
    Programming programming = null;
    Announcing announcing = Announcing.NONE;
    var drain = DrainingBackends.Drain.NONE;
    if (!address.addresses().isEmpty()) {
      var drained =
          draining.apply(
              owner,
              VirtualServices.of(lb, address.addresses(), backends, probe)
                  .fromPool(address instanceof AddressOutcome.Held held ? held.pool() : null),
              drainTimeout(lb),
              clock.instant(),
              lb.getStatus() == null ? List.of() : lb.getStatus().drainingBackends());
      List<String> vips = address.addresses().stream().map(IpAddress::toString).toList();
      DesiredServices desired = withFleetShare(drained.desired(), address, vips, observed);
      drain = drained.drain();
      long snapshotVersion = desiredState.publish(owner, desired);
      programming = fleet.programming(snapshotVersion, desired);
      announcing =
          new Announcing(
              vips,
              fleet.announcers(vips),
              fleet.conflicts(vips, clock.instant()),
              desired.fleet() != null);
    } else {
      draining.forget(owner);
      desiredState.withdraw(owner);
    }
    var health =
        BackendHealthReport.of(
            fleet.healthOf(owner), probe == null ? null : HealthChecks.of(probe).getProbe());
    return new LoadBalancerOutcome(
        validation, address, backends, probeProblem, health, programming, announcing, drain);
  }

  /** Adds who may own the VIPs, and the Pool's timers, when the Pool announces in L2 mode. */
  private DesiredServices withFleetShare(
      DesiredServices desired, AddressOutcome address, List<String> vips, ObservedState observed) {
    if (!(address instanceof AddressOutcome.Held held)) {
      return desired;
    }
    return observed
        .pools()
        .entry(held.pool())
        .map(
            entry ->
                FleetShares.of(
                    entry.pool(),
                    vips,
                    desired.nodeLocal(),
                    desired.servingNodes(),
                    observed.nodeLabels(),
                    fleet.portsByNode()))
        .map(desired::withFleet)
        .orElse(desired);
  }

  private static Duration drainTimeout(LoadBalancer lb) {
    var drain = lb.getSpec().draining();
    return drain == null || drain.timeoutSeconds() == null
        ? Duration.ZERO
        : Duration.ofSeconds(drain.timeoutSeconds());
  }

  /**
   * A spec that is not valid programs nothing, but keeps the address it holds: a typo being fixed
   * must not hand the VIP to someone else.
   */
  private LoadBalancerOutcome hold(
      Owner owner, LoadBalancer lb, ObservedState observed, Validation validation) {
    draining.forget(owner);
    desiredState.withdraw(owner);
    AddressOutcome address =
        addresses.keptWhileInvalid(owner, lb.getStatus() == null ? null : lb.getStatus().pool());
    return new LoadBalancerOutcome(
        validation, address, observed.backends(lb.getSpec()), null, null);
  }

  /** A LoadBalancer deleted, or being deleted (another controller's finalizer may hold it). */
  private void release(Owner owner) {
    // Withdraw first: the snapshot without these services is published before anyone else can
    // be given the address.
    List<IpAddress> held = ipam.leaseOf(owner);
    draining.forget(owner);
    desiredState.withdraw(owner);
    ipam.release(owner);
    validations.forget(owner);
    probeUsers.set(owner, null);
    if (!held.isEmpty()) { // once, though a LoadBalancer being deleted may be seen twice
      log.info("LoadBalancer {} deleted: services withdrawn, addresses {} released", owner, held);
    }
  }

  private static void dropLegacyFinalizer(LoadBalancer lb, Context<LoadBalancer> context) {
    if (!context.isPrimaryResourceDeleted() && lb.hasFinalizer(LEGACY_FINALIZER)) {
      PrimaryUpdateAndCacheUtils.removeFinalizer(context, LEGACY_FINALIZER);
    }
  }

  @Override
  public List<EventSource<?, LoadBalancer>> prepareEventSources(
      EventSourceContext<LoadBalancer> context) {
    var cache = context.getPrimaryCache();
    // Before the informers start: the watches' mappers look LoadBalancers up through these.
    cache.addIndexers(LoadBalancerIndexes.loadBalancers());
    fleet.addListener(
        new PassiveEvents(
            recorder, owner -> cache.get(new ResourceID(owner.name(), owner.namespace()))));
    fleet.addListener(
        new AnnouncementEvents(
            recorder,
            address ->
                cache
                    .list(
                        lb ->
                            lb.getStatus() != null && lb.getStatus().addresses().contains(address))
                    .toList()));
    var nudges = LoadBalancerNudges.from(fleet, desiredState, ipam);
    settleWakes.wakeWith(
        owner -> nudges.propagateEvent(new ResourceID(owner.name(), owner.namespace())));
    return List.of(
        LoadBalancerWatches.pools(context),
        LoadBalancerWatches.endpointSlices(context, endpointSliceVersion),
        LoadBalancerWatches.pods(context),
        LoadBalancerWatches.namespaces(context),
        LoadBalancerWatches.healthProbes(context),
        LoadBalancerWatches.nodes(context),
        nudges);
  }

  /** Its {@link LoadBalancer#PREVIOUS_ADDRESSES}; what does not parse is no preference. */
  static List<IpAddress> previousAddresses(LoadBalancer lb) {
    var annotations = lb.getMetadata().getAnnotations();
    String listed = annotations == null ? null : annotations.get(LoadBalancer.PREVIOUS_ADDRESSES);
    if (listed == null) {
      return List.of();
    }
    var parsed = new ArrayList<IpAddress>();
    for (String text : listed.split(",")) {
      try {
        if (!text.isBlank()) {
          parsed.add(IpAddress.parse(text.strip()));
        }
      } catch (IllegalArgumentException e) {
        log.warn(
            "LoadBalancer {}: ignoring \"{}\" in annotation {}: {}",
            ownerOf(lb),
            text,
            LoadBalancer.PREVIOUS_ADDRESSES,
            e.getMessage());
      }
    }
    return parsed;
  }

  static Owner ownerOf(LoadBalancer lb) {
    return new Owner(lb.getMetadata().getNamespace(), lb.getMetadata().getName());
  }
}
