package io.gatun.forwarder.fleet;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announcements the data plane had no room for, sent as room frees up. The data plane runs a
 * bounded number of announcements at once (256: each sends its gratuitous ARPs or unsolicited
 * neighbour advertisements, spaced); a forwarder that gains thousands of VIPs in one snapshot — a
 * first snapshot at ten thousand LoadBalancers — must not have the snapshot fail for it. They wait
 * here, in the order asked, and go out as the running ones finish; an address no longer owned by
 * then is dropped (announcing it would draw traffic this forwarder must not take).
 */
final class AnnouncementBacklog {

  private static final Logger log = LoggerFactory.getLogger(AnnouncementBacklog.class);

  /** One announcement as asked. */
  record Announcement(InetAddress address, int count, Duration interval) {}

  /** Starts an announcement; false when the data plane has no room for it now. */
  interface Sender {
    boolean trySend(Announcement announcement);
  }

  /** How long the backlog waits for room before trying again. */
  static final Duration RETRY = Duration.ofMillis(20);

  private final Sender sender;
  private final ArrayDeque<Announcement> waiting = new ArrayDeque<>();
  private Predicate<InetAddress> owned = address -> true;
  private Thread drainer;

  AnnouncementBacklog(Sender sender) {
    this.sender = sender;
  }

  /** Sends it now, or after those already waiting when there is no room. */
  void announce(Announcement announcement) {
    synchronized (this) {
      if (!waiting.isEmpty()) {
        waiting.add(announcement); // behind the others: each VIP in the order it was gained
        return;
      }
    }
    if (!sender.trySend(announcement)) {
      synchronized (this) {
        waiting.add(announcement);
        if (drainer == null) {
          drainer = Thread.ofVirtual().name("gatun-announcement-backlog").start(this::drain);
        }
      }
    }
  }

  /**
   * Only {@code addresses} are owned from now on: the others' waiting announcements are dropped. A
   * {@code Set} is kept as it is: the caller must not change it afterwards.
   */
  synchronized void ownedNow(Collection<InetAddress> addresses) {
    // A set is taken as it is (its owner does not change it later): copying ten thousand VIPs on
    // every snapshot was a visible share of the agent's time during a burst of creates.
    Set<InetAddress> now = addresses instanceof Set<InetAddress> set ? set : Set.copyOf(addresses);
    owned = now::contains;
    if (!waiting.isEmpty()) {
      waiting.removeIf(a -> !now.contains(a.address()));
    }
  }

  /** Every VIP served is owned (a forwarder alone): nothing waiting is dropped for ownership. */
  synchronized void ownEverything() {
    owned = address -> true;
  }

  /** How many wait. */
  synchronized int waiting() {
    return waiting.size();
  }

  private void drain() {
    while (true) {
      Announcement next;
      synchronized (this) {
        next = waiting.peek();
        if (next == null) {
          drainer = null;
          return;
        }
        if (!owned.test(next.address())) {
          waiting.poll();
          continue;
        }
      }
      boolean sent;
      try {
        sent = sender.trySend(next);
      } catch (RuntimeException e) {
        log.warn("announcing {} failed, not retried: {}", next.address(), e.getMessage());
        sent = true; // dropped: a failure other than no room would repeat
      }
      if (sent) {
        synchronized (this) {
          waiting.remove(next);
        }
        continue;
      }
      try {
        Thread.sleep(RETRY);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        synchronized (this) {
          drainer = null;
        }
        return;
      }
    }
  }
}
