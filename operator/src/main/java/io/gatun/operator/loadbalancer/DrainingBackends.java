package io.gatun.operator.loadbalancer;

import io.gatun.control.v1.Backend;
import io.gatun.control.v1.VirtualService;
import io.gatun.operator.api.DrainingBackend;
import io.gatun.operator.backends.BackendSet;
import io.gatun.operator.control.DesiredServices;
import io.gatun.operator.ipam.Owner;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Backends that left a LoadBalancer's services and, for {@code spec.draining.timeoutSeconds}, still
 * hold the connections they had: they stay in the snapshot marked draining (no new connections)
 * until the timeout, then go, and their remaining connections with them.
 *
 * <p>A backend that comes back before its timeout serves again. A service that goes (its port
 * removed) takes its backends with it: there is nothing left to drain them from. The drains are
 * also listed in the LoadBalancer's status, and a LoadBalancer this book has not seen yet (after a
 * restart or a leader hand-over) starts from that list, so the drains under way run to their end.
 */
final class DrainingBackends {

  private record Key(String service, String address, int port) {}

  private record Departure(Backend backend, String node, Instant since) {}

  /** What one LoadBalancer was last told to serve (and where), and what is draining from it. */
  private record Book(
      Map<String, List<Backend>> serving,
      Map<String, String> nodes,
      Map<Key, Departure> departed) {}

  /**
   * The backends draining, and when the next drain ends (the LoadBalancer must be reconciled again
   * then).
   */
  record Drain(List<DrainingBackend> backends, Optional<Duration> endsIn) {
    static final Drain NONE = new Drain(List.of(), Optional.empty());
  }

  /** The services with their draining backends added. */
  record Drained(DesiredServices desired, Drain drain) {}

  private final Map<Owner, Book> books = new ConcurrentHashMap<>();

  /**
   * Takes the services a reconcile computed (serving backends only) and adds the backends that left
   * them less than {@code timeout} ago; a zero timeout drains nothing.
   *
   * @param recorded the drains the LoadBalancer's status lists, used when this book has no page for
   *     it yet
   */
  Drained apply(
      Owner owner,
      DesiredServices fresh,
      Duration timeout,
      Instant now,
      List<DrainingBackend> recorded) {
    var serving = servingOf(fresh);
    var departed = new HashMap<Key, Departure>();
    Book previous =
        books.computeIfAbsent(owner, o -> new Book(Map.of(), Map.of(), restore(recorded)));
    if (timeout.isPositive()) {
      departed.putAll(previous.departed());
      previous
          .serving()
          .forEach(
              (service, backends) -> {
                for (Backend backend : backends) {
                  var key = new Key(service, backend.getAddress(), backend.getPort());
                  departed.putIfAbsent(
                      key,
                      new Departure(
                          backend.toBuilder().setDraining(true).build(),
                          previous.nodes().get(backend.getAddress()),
                          now));
                }
              });
      // Serving again, drained long enough, or its service is gone: not draining.
      departed
          .keySet()
          .removeIf(key -> present(serving, key) || !serving.containsKey(key.service()));
      departed.values().removeIf(d -> !d.since().plus(timeout).isAfter(now));
    }
    books.put(owner, new Book(serving, fresh.backendNodes(), Map.copyOf(departed)));
    if (departed.isEmpty()) {
      return new Drained(fresh, Drain.NONE);
    }
    Instant firstEnd =
        departed.values().stream().map(d -> d.since().plus(timeout)).min(Instant::compareTo).get();
    return new Drained(
        withDraining(fresh, departed),
        new Drain(listed(departed), Optional.of(Duration.between(now, firstEnd))));
  }

  private static Map<Key, Departure> restore(List<DrainingBackend> recorded) {
    var departed = new HashMap<Key, Departure>();
    for (DrainingBackend d : recorded) {
      try {
        departed.put(
            new Key(d.service(), d.address(), d.port()),
            new Departure(
                Backend.newBuilder()
                    .setAddress(d.address())
                    .setPort(d.port())
                    .setDraining(true)
                    .build(),
                d.node(),
                Instant.parse(d.since())));
      } catch (RuntimeException e) {
        // Not ours to trust (edited by hand): that drain ends now.
      }
    }
    return departed;
  }

  private static List<DrainingBackend> listed(Map<Key, Departure> departed) {
    return departed.entrySet().stream()
        .map(
            e ->
                new DrainingBackend(
                    e.getKey().service(),
                    e.getKey().address(),
                    e.getKey().port(),
                    e.getValue().node(),
                    e.getValue().since().toString()))
        .sorted(
            Comparator.comparing(DrainingBackend::service)
                .thenComparing(DrainingBackend::address)
                .thenComparingInt(DrainingBackend::port))
        .toList();
  }

  /** The LoadBalancer is gone or publishes nothing: nothing of it drains any more. */
  void forget(Owner owner) {
    books.remove(owner);
  }

  private static boolean present(Map<String, List<Backend>> serving, Key key) {
    var backends = serving.get(key.service());
    return backends != null
        && backends.stream()
            .anyMatch(b -> b.getAddress().equals(key.address()) && b.getPort() == key.port());
  }

  private static Map<String, List<Backend>> servingOf(DesiredServices desired) {
    var serving = new HashMap<String, List<Backend>>();
    for (VirtualService service : desired.services()) {
      serving.put(
          service.getKey(),
          service.getBackendsList().stream().filter(b -> !b.getDraining()).toList());
    }
    return serving;
  }

  private static DesiredServices withDraining(DesiredServices fresh, Map<Key, Departure> departed) {
    var services = new ArrayList<VirtualService>();
    var nodes = new HashMap<>(fresh.backendNodes());
    for (VirtualService service : fresh.services()) {
      var backends = new ArrayList<>(service.getBackendsList());
      departed.forEach(
          (key, departure) -> {
            if (key.service().equals(service.getKey())) {
              backends.add(departure.backend());
              if (departure.node() != null) {
                nodes.putIfAbsent(key.address(), departure.node());
              }
            }
          });
      backends.sort(BackendSet.ORDER);
      services.add(service.toBuilder().clearBackends().addAllBackends(backends).build());
    }
    return new DesiredServices(
        services, fresh.requires(), fresh.nodeLocal(), nodes, fresh.fleet(), fresh.pool());
  }
}
