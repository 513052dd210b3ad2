package io.gatun.forwarder.health.passive;

import io.gatun.fwd.PassiveCounters;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Passive health of one service's backends: readings of the data plane's counters in, ejections
 * (and, without an active probe, returns on trial) out. One poller calls it; it keeps no clock of
 * its own, so tests drive it with readings and times.
 *
 * <p>The rules:
 *
 * <ul>
 *   <li>A new connection <b>fails</b> when the backend answers its SYN with a RST, when an ICMP
 *       destination unreachable comes back about a packet sent to it (from it or from a router on
 *       the way), or when its SYN is still unanswered {@code window} after it was forwarded while
 *       another backend of the service answered one within {@code window} (so a service whose
 *       answers this forwarder never sees, DSR, is never judged silent). It <b>succeeds</b> on a
 *       SYN-ACK however late within the window: a slow backend is not a dead one. A UDP flow
 *       succeeds when no port unreachable comes back for it.
 *   <li>A retransmitted SYN is neither: one client asking again is not many connections failing.
 *       Every failure is a distinct connection, so a verdict always rests on {@code
 *       consecutiveFailures} connections.
 *   <li>Failures in a row run across readings. A reading with successes and no failures ends the
 *       run; a reading with both keeps its failures as the run when they outnumber the successes (a
 *       dying backend's failures come after its last successes), and ends it otherwise.
 *   <li>A run of {@code consecutiveFailures} ejects the backend at once, unless the service would
 *       then have more than {@code maxEjectedPercent} of its backends out of rotation, for any
 *       reason; it waits then, and is ejected as soon as there is room.
 *   <li>With an active probe the probe brings the backend back. Without one it returns on trial
 *       after {@code ejectionTime} (the n-th ejection in a row lasts n times as long, at most 10):
 *       its first failure on trial ejects it again; {@code consecutiveFailures} successes end the
 *       trial.
 * </ul>
 *
 * @param <K> what names a backend
 */
public final class OutlierDetector<K> {
  private final PassiveSpec spec;
  private final boolean activeProbe;
  private final Map<K, Backend> backends = new HashMap<>();

  /**
   * @param activeProbe an active probe runs beside: it, not a timer, returns ejected backends
   */
  public OutlierDetector(PassiveSpec spec, boolean activeProbe) {
    this.spec = spec;
    this.activeProbe = activeProbe;
  }

  public PassiveSpec spec() {
    return spec;
  }

  public boolean activeProbe() {
    return activeProbe;
  }

  /**
   * One reading.
   *
   * @param members the service's serving backends, in or out of rotation (the data plane has
   *     counters only for those in rotation)
   * @param readings the data plane's counters of the backends it runs
   * @param outOfRotation the members out of rotation now, whatever the reason
   * @return the verdicts, ejections first; the caller applies every one
   */
  public List<Verdict<K>> observe(
      Set<K> members, Map<K, Sample> readings, Set<K> outOfRotation, long nowMillis) {
    backends.keySet().retainAll(members);
    long window = spec.window().toMillis();
    for (Map.Entry<K, Sample> e : readings.entrySet()) {
      if (members.contains(e.getKey())) {
        backends
            .computeIfAbsent(e.getKey(), k -> new Backend())
            .read(e.getValue().counters(), e.getValue().newFlows(), nowMillis, window);
      }
    }
    List<Verdict<K>> verdicts = new ArrayList<>();
    List<K> candidates = new ArrayList<>();
    for (K key : members) {
      Backend b = backends.get(key);
      if (b == null) {
        continue;
      }
      boolean othersAnswer =
          backends.entrySet().stream()
              .anyMatch(
                  o -> !o.getKey().equals(key) && o.getValue().answeredWithin(nowMillis, window));
      b.judge(othersAnswer);
      boolean out = outOfRotation.contains(key);
      if (b.ejected) {
        if (!out) {
          b.reset(); // the active probe brought it back
        } else if (!activeProbe && nowMillis >= b.returnAtMillis) {
          b.ejected = false;
          b.trial = true;
          b.trialSuccesses = 0;
          b.clearRun();
          verdicts.add(
              new Verdict<>(
                  key,
                  Verdict.Kind.RETURN_ON_TRIAL,
                  "back on trial after "
                      + (b.returnAtMillis - b.ejectedAtMillis)
                      + " ms out of rotation"));
        }
        continue;
      }
      if (out) {
        b.clearRun(); // out for another reason (its probe): nothing to decide
        continue;
      }
      if (b.trial) {
        if (b.run > 0) {
          candidates.add(key);
        } else if (b.trialSuccesses >= spec.consecutiveFailures()) {
          b.trial = false;
          b.ejections = 0;
        }
      } else if (b.run >= spec.consecutiveFailures()) {
        candidates.add(key);
      }
    }
    long outNow = members.stream().filter(outOfRotation::contains).count();
    outNow -= verdicts.size(); // returning on trial now
    candidates.sort(Comparator.comparingInt((K k) -> -backends.get(k).run));
    List<Verdict<K>> ejections = new ArrayList<>();
    for (K key : candidates) {
      if (outNow + 1 > spec.maxEjected(members.size())) {
        break; // maxEjectedPercent: the rest wait for room
      }
      Backend b = backends.get(key);
      ejections.add(new Verdict<>(key, Verdict.Kind.EJECT, b.describeRun(window)));
      b.eject(nowMillis, spec.ejectionTime().toMillis());
      outNow++;
    }
    ejections.addAll(verdicts);
    return ejections;
  }

  /** One backend's readings and run. */
  private static final class Backend {
    private PassiveCounters last;
    private long lastNewFlows;

    /** (time, cumulative SYNs) of recent readings: the SYNs forwarded a window ago. */
    private final Deque<long[]> syns = new ArrayDeque<>();

    private long lastAnswerMillis = Long.MIN_VALUE;
    private long unansweredSeen;
    // This reading's deltas.
    private long resets;
    private long unreachable;
    private long unanswered;
    private long successes;
    // The run of failures in a row, and what it is made of.
    private int run;
    private long runResets;
    private long runUnreachable;
    private long runUnanswered;

    private boolean ejected;
    private long ejectedAtMillis;
    private long returnAtMillis;
    private int ejections;
    private boolean trial;
    private long trialSuccesses;

    void read(PassiveCounters now, long newFlows, long nowMillis, long window) {
      PassiveCounters before = last;
      resets = unreachable = unanswered = successes = 0;
      if (before == null || wentBack(before, now) || newFlows < lastNewFlows) {
        // First reading, or the data plane counts afresh (the backend left and came back).
        syns.clear();
        unansweredSeen = Math.max(0, now.syns() - answered(now));
        if (before != null) {
          clearRun(); // a run rests on one stretch of counting
        }
      } else {
        long synAcks = now.synAcks() - before.synAcks();
        if (synAcks > 0) {
          lastAnswerMillis = nowMillis;
        }
        resets = now.synResets() - before.synResets();
        unreachable = now.unreachable() - before.unreachable();
        long otherFlows = (newFlows - lastNewFlows) - (now.syns() - before.syns());
        successes =
            synAcks
                + Math.max(
                    0, otherFlows - (now.udpPortUnreachable() - before.udpPortUnreachable()));
        // SYNs forwarded at least a window ago that nothing has answered since.
        long old = -1;
        for (long[] s : syns) {
          if (s[0] <= nowMillis - window) {
            old = s[1];
          }
        }
        if (old >= 0) {
          long open = Math.max(0, old - answered(now));
          unanswered = Math.max(0, open - unansweredSeen);
          unansweredSeen = Math.max(unansweredSeen, open);
        }
      }
      last = now;
      lastNewFlows = newFlows;
      syns.addLast(new long[] {nowMillis, now.syns()});
      // Keep the newest reading older than a window and every one after it.
      while (syns.size() > 1) {
        long[] first = syns.removeFirst();
        if (syns.getFirst()[0] > nowMillis - window) {
          syns.addFirst(first);
          break;
        }
      }
    }

    private static long answered(PassiveCounters c) {
      return c.synAcks() + c.synResets() + c.unreachable();
    }

    private static boolean wentBack(PassiveCounters a, PassiveCounters b) {
      return b.syns() < a.syns()
          || b.synAcks() < a.synAcks()
          || b.synResets() < a.synResets()
          || b.unreachable() < a.unreachable()
          || b.udpPortUnreachable() < a.udpPortUnreachable();
    }

    boolean answeredWithin(long nowMillis, long window) {
      return lastAnswerMillis != Long.MIN_VALUE && nowMillis - lastAnswerMillis <= window;
    }

    /** Folds this reading into the run. */
    void judge(boolean othersAnswer) {
      long silent = othersAnswer ? unanswered : 0;
      long failures = resets + unreachable + silent;
      if (trial) {
        trialSuccesses += successes;
      }
      if (failures == 0) {
        if (successes > 0) {
          clearRun();
        }
        return;
      }
      if (successes > 0) {
        clearRun();
        if (failures <= successes) {
          return;
        }
      }
      run = (int) Math.min(Integer.MAX_VALUE, run + failures);
      runResets += resets;
      runUnreachable += unreachable;
      runUnanswered += silent;
    }

    String describeRun(long window) {
      return "PassiveFailure: "
          + run
          + " new connections failed in a row ("
          + runResets
          + " reset, "
          + runUnreachable
          + " unreachable, "
          + runUnanswered
          + " unanswered after "
          + window
          + " ms)";
    }

    void eject(long nowMillis, long ejectionTime) {
      ejected = true;
      trial = false;
      ejections++;
      ejectedAtMillis = nowMillis;
      returnAtMillis =
          nowMillis + ejectionTime * Math.min(ejections, PassiveSpec.MAX_EJECTION_FACTOR);
      clearRun();
    }

    void clearRun() {
      run = 0;
      runResets = runUnreachable = runUnanswered = 0;
    }

    void reset() {
      ejected = false;
      trial = false;
      ejections = 0;
      clearRun();
    }
  }
}
