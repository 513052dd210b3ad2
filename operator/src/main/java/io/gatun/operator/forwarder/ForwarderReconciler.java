package io.gatun.operator.forwarder;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gatun.operator.api.Forwarder;
import io.gatun.operator.api.ForwarderStatus;
import io.gatun.operator.control.BgpSessionChange;
import io.gatun.operator.control.FleetListener;
import io.gatun.operator.control.ForwarderFleet;
import io.gatun.operator.status.EventRecorder;
import io.gatun.operator.status.StatusThrottle;
import io.gatun.operator.status.StatusWriter;
import io.gatun.operator.status.WriteGate;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one Forwarder resource per forwarder that ever connected, so users see the fleet ({@code
 * kubectl get forwarders}): created when a forwarder says Hello, its status refreshed from acks and
 * observations (at most every two seconds, at once when it connects or goes away), and kept with
 * Connected=False when it disconnects.
 */
@ControllerConfiguration(name = ForwarderReconciler.NAME)
public final class ForwarderReconciler implements Reconciler<Forwarder> {

  public static final String NAME = "forwarder";
  private static final Logger log = LoggerFactory.getLogger(ForwarderReconciler.class);

  private final ForwarderFleet fleet;
  private final EventRecorder recorder;
  private final ForwarderStatusBuilder statusBuilder;
  private final StatusWriter<Forwarder, ForwarderStatus> statusWriter;
  private final StatusThrottle throttle = new StatusThrottle(Duration.ofSeconds(2));
  private final Set<String> created = ConcurrentHashMap.newKeySet();
  private final Map<String, String> forwarderOf = new ConcurrentHashMap<>(); // resource name
  private final ExecutorService creator =
      Executors.newSingleThreadExecutor(
          Thread.ofPlatform().daemon().name("gatun-forwarder-objects").factory());

  public ForwarderReconciler(
      ForwarderFleet fleet, EventRecorder recorder, WriteGate writes, Clock clock) {
    this.fleet = fleet;
    this.recorder = recorder;
    this.statusWriter = new StatusWriter<>(writes);
    this.statusBuilder = new ForwarderStatusBuilder(clock);
  }

  @Override
  public UpdateControl<Forwarder> reconcile(Forwarder forwarder, Context<Forwarder> context) {
    String name = forwarder.getMetadata().getName();
    var state = fleet.state(forwarderOf.getOrDefault(name, name));
    var update =
        state.isPresent()
            ? statusBuilder.connected(forwarder, state.get())
            : statusBuilder.disconnected(forwarder);
    Duration wait = update.transitions().isEmpty() ? throttle.delayFor(name) : Duration.ZERO;
    if (!wait.isZero()) {
      return UpdateControl.<Forwarder>noUpdate().rescheduleAfter(wait);
    }
    throttle.ran(name);
    if (statusWriter.writeIfChanged(forwarder, update.status(), context)) {
      update.transitions().stream()
          .filter(c -> !c.isTrue())
          // BGP sessions have events of their own, one per session that comes or goes.
          .filter(c -> !Forwarder.BGP_SESSIONS_ESTABLISHED.equals(c.type()))
          .forEach(
              c -> recorder.record(forwarder, EventRecorder.Type.Warning, c.reason(), c.message()));
    }
    return UpdateControl.noUpdate();
  }

  @Override
  public List<EventSource<?, Forwarder>> prepareEventSources(
      EventSourceContext<Forwarder> context) {
    var changes = new SimpleInboundEventSource<Forwarder>("fleet");
    KubernetesClient client = context.getClient();
    fleet.addListener(
        new FleetListener() {
          @Override
          public void forwarderChanged(String forwarder) {
            String name = ForwarderNames.resourceName(forwarder);
            forwarderOf.put(name, forwarder);
            if (created.add(name)) {
              creator.execute(() -> ensureExists(client, name));
            }
            changes.propagateEvent(new ResourceID(name));
          }

          @Override
          public void bgpSessionsChanged(Set<String> pools, List<BgpSessionChange> news) {
            for (BgpSessionChange change : news) {
              context
                  .getPrimaryCache()
                  .get(new ResourceID(ForwarderNames.resourceName(change.forwarder())))
                  .ifPresent(
                      forwarder ->
                          recorder.record(
                              forwarder,
                              change.established()
                                  ? EventRecorder.Type.Normal
                                  : EventRecorder.Type.Warning,
                              change.established() ? "BgpSessionEstablished" : "BgpSessionDown",
                              BgpSessionChange.describe(change.session())
                                  + (change.established()
                                      ? " established"
                                      : " down: " + BgpSessionChange.why(change.session()))));
            }
          }
        });
    return List.of(changes);
  }

  /** Creates the Forwarder resource unless it exists (from an earlier connection). */
  private void ensureExists(KubernetesClient client, String name) {
    var forwarder = new Forwarder();
    forwarder.setMetadata(new ObjectMetaBuilder().withName(name).build());
    try {
      client.resource(forwarder).create();
      log.info("Forwarder resource {} created", name);
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        created.remove(name); // try again on its next news
        log.warn("Could not create the Forwarder resource {}: {}", name, e.getMessage());
      }
    }
  }
}
