package io.gatun.operator.pool;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Secret;
import io.gatun.operator.api.AnnouncementMode;
import io.gatun.operator.api.Condition;
import io.gatun.operator.api.Pool;
import io.gatun.operator.api.PoolStatus;
import io.gatun.operator.backends.LabelSelectors;
import io.gatun.operator.control.BgpSessionChange;
import io.gatun.operator.control.DesiredState;
import io.gatun.operator.control.FleetListener;
import io.gatun.operator.control.ForwarderFleet;
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
import io.gatun.operator.status.WriteGate;
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
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
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

  private static final String SECRETS = "bgp-secrets";
  private static final String NODES = "bgp-nodes";

  private final Ipam ipam;
  private final PoolCatalogs catalogs;
  private final DesiredState desiredState;
  private final ForwarderFleet fleet;
  private final String namespace;
  private final PoolMetrics metrics;
  private final EventRecorder recorder;
  private final PoolStatusBuilder statusBuilder;
  private final StatusWriter<Pool, PoolStatus> statusWriter;
  private final StatusThrottle throttle = new StatusThrottle(Duration.ofSeconds(1));

  /**
   * @param namespace the operator's namespace, where BGP password Secrets are read
   */
  public PoolReconciler(
      Ipam ipam,
      PoolCatalogs catalogs,
      DesiredState desiredState,
      ForwarderFleet fleet,
      String namespace,
      PoolMetrics metrics,
      EventRecorder recorder,
      WriteGate writes,
      Clock clock) {
    this.ipam = ipam;
    this.desiredState = desiredState;
    this.fleet = fleet;
    this.namespace = namespace;
    this.metrics = metrics;
    this.catalogs = catalogs;
    this.recorder = recorder;
    this.statusWriter = new StatusWriter<>(writes);
    this.statusBuilder = new PoolStatusBuilder(clock);
  }

  @Override
  public UpdateControl<Pool> reconcile(Pool pool, Context<Pool> context) {
    if (context.isPrimaryResourceDeleted()) {
      metrics.forget(pool.getMetadata().getName()); // seen only so: pools carry no finalizer
      desiredState.publishBgpPool(pool.getMetadata().getName(), null);
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
    PoolCatalog catalog = catalogs.of(all);
    PoolCatalog.Entry entry = catalog.entry(pool.getMetadata().getName()).orElseThrow();
    BgpPlanner.Planned bgp = planBgp(pool, entry, catalog, context);

    List<PoolUsage> usage = entry.addresses() == null ? List.of() : ipam.usage(entry.addresses());
    List<Lease> leases = ipam.leasesFrom(pool.getMetadata().getName());
    List<Lease> outside =
        leases.stream()
            .filter(
                lease ->
                    entry.addresses() != null
                        && !lease.addresses().stream().allMatch(entry.addresses()::contains))
            .toList();

    var update =
        statusBuilder.build(
            pool,
            entry,
            usage,
            leases,
            outside,
            bgp,
            bgp == null ? List.of() : fleet.bgpSessionsOf(pool.getMetadata().getName()));
    metrics.record(pool.getMetadata().getName(), PoolStatusBuilder.metrics(update.status()));
    throttle.ran(pool.getMetadata().getName());
    if (statusWriter.writeIfChanged(pool, update.status(), context)) {
      update.transitions().forEach(condition -> record(pool, condition));
    }
    return UpdateControl.noUpdate();
  }

  /**
   * Publishes a valid BGP pool's plan for the forwarders' snapshots (or withdraws it), and returns
   * it with what keeps parts of it from the forwarders; null when the pool is not a valid BGP pool.
   */
  private BgpPlanner.Planned planBgp(
      Pool pool, PoolCatalog.Entry entry, PoolCatalog catalog, Context<Pool> context) {
    String name = pool.getMetadata().getName();
    if (!entry.usable() || !isBgp(pool)) {
      desiredState.publishBgpPool(name, null);
      return null;
    }
    var others =
        catalog.usable().stream()
            .filter(e -> !e.name().equals(name) && isBgp(e.pool()))
            .map(e -> BgpPlanner.outline(e.pool()))
            .toList();
    InformerEventSource<Secret, Pool> secrets = source(context, Secret.class, SECRETS);
    var planned =
        BgpPlanner.plan(
            pool,
            (secret, key) -> secretValue(secrets, secret, key),
            others,
            nodes(context),
            namespace);
    desiredState.publishBgpPool(name, planned.plan());
    return planned;
  }

  /**
   * The nodes forwarders may run on, with their labels: every Node (its labels handed to the
   * desired state too, for the pools' nodeSelectors), and the node of every connected forwarder.
   */
  private Map<String, Map<String, String>> nodes(Context<Pool> context) {
    var nodes = new TreeMap<String, Map<String, String>>();
    source(context, Node.class, NODES)
        .list()
        .forEach(node -> nodes.put(node.getMetadata().getName(), LabelSelectors.labelsOf(node)));
    var known = desiredState.nodeLabels();
    known.keySet().stream()
        .filter(node -> !nodes.containsKey(node))
        .forEach(gone -> desiredState.nodeLabels(gone, null));
    nodes.forEach(desiredState::nodeLabels);
    fleet.nodes().forEach(node -> nodes.putIfAbsent(node, Map.of()));
    return nodes;
  }

  private BgpPlanner.SecretValue secretValue(
      InformerEventSource<Secret, Pool> secrets, String name, String key) {
    var secret = secrets.get(new ResourceID(name, namespace));
    if (secret.isEmpty()) {
      return new BgpPlanner.SecretValue.NoSecret();
    }
    var data = secret.get().getData() == null ? Map.<String, String>of() : secret.get().getData();
    String value = data.get(key);
    if (value == null) {
      return new BgpPlanner.SecretValue.NoKey(data.keySet().stream().sorted().toList());
    }
    return new BgpPlanner.SecretValue.Found(
        new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8).strip());
  }

  private static boolean isBgp(Pool pool) {
    return pool.getSpec() != null
        && pool.getSpec().announcementModeOrDefault() == AnnouncementMode.BGP
        && pool.getSpec().announcement().bgp() != null;
  }

  @SuppressWarnings("unchecked")
  private static <R extends HasMetadata> InformerEventSource<R, Pool> source(
      Context<Pool> context, Class<R> type, String name) {
    return (InformerEventSource<R, Pool>)
        context.eventSourceRetriever().getEventSourceFor(type, name);
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
    var bgpChanges = new SimpleInboundEventSource<Pool>("bgp-sessions");
    fleet.addListener(
        new FleetListener() {
          @Override
          public void membershipChanged() {
            bgpPools(context).forEach(bgpChanges::propagateEvent); // nodes and sessions moved
          }

          @Override
          public void bgpSessionsChanged(Set<String> pools, List<BgpSessionChange> changes) {
            pools.forEach(pool -> bgpChanges.propagateEvent(new ResourceID(pool)));
            for (BgpSessionChange change : changes) {
              for (String name : change.session().getPoolsList()) {
                context
                    .getPrimaryCache()
                    .get(new ResourceID(name))
                    .ifPresent(pool -> BgpSessionEvents.record(recorder, pool, change));
              }
            }
          }
        });
    // A password Secret appearing, changing or going: the pools whose peers name it.
    var secrets =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Secret.class, Pool.class)
                .withName(SECRETS)
                .withNamespaces(Set.of(namespace))
                .withFollowControllerNamespacesChanges(false)
                .withSecondaryToPrimaryMapper(
                    secret ->
                        context
                            .getPrimaryCache()
                            .list(p -> namesSecret(p, secret.getMetadata().getName()))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    // A node's labels decide which BGP pools its forwarders speak for.
    var nodes =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Node.class, Pool.class)
                .withName(NODES)
                .withSecondaryToPrimaryMapper(node -> bgpPools(context))
                .withOnUpdateFilter(
                    (newNode, oldNode) ->
                        !Objects.equals(
                            newNode.getMetadata().getLabels(), oldNode.getMetadata().getLabels()))
                .build(),
            context);
    return List.of(leaseChanges, otherPools, bgpChanges, secrets, nodes);
  }

  private static Set<ResourceID> bgpPools(EventSourceContext<Pool> context) {
    return context
        .getPrimaryCache()
        .list(PoolReconciler::isBgp)
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private static boolean namesSecret(Pool pool, String secret) {
    return isBgp(pool)
        && pool.getSpec().announcement().bgp().peers().stream()
            .anyMatch(
                peer ->
                    peer.passwordSecretRef() != null
                        && secret.equals(peer.passwordSecretRef().name()));
  }

  private static boolean sameName(Pool a, Pool b) {
    return a.getMetadata().getName().equals(b.getMetadata().getName());
  }
}
