package io.gatun.forwarder.health.passive;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.PassiveCheck;
import io.gatun.fwd.PassiveCounters;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link OutlierDetector}, driven by hand: each backend's cumulative counters are
 * moved the way the data plane would move them, then read at a chosen time.
 */
class OutlierDetectorTest {
  private static final PassiveSpec SPEC =
      PassiveSpec.of(
          PassiveCheck.newBuilder()
              .setConsecutiveFailures(3)
              .setWindowMillis(1000)
              .setEjectionTimeMillis(10_000)
              .setMaxEjectedPercent(50)
              .build(),
          "test ");

  /** One backend's counters as the data plane keeps them. */
  private static final class Counters {
    long syns, retransmits, synAcks, resets, unreachable, udpUnreachable, newFlows;

    void connected(int n) {
      syns += n;
      synAcks += n;
      newFlows += n;
    }

    void reset(int n) {
      syns += n;
      resets += n;
      newFlows += n;
    }

    void unreachable(int n) {
      syns += n;
      unreachable += n;
      newFlows += n;
    }

    void silent(int n) {
      syns += n;
      newFlows += n;
    }

    Sample sample() {
      return new Sample(
          new PassiveCounters(syns, retransmits, synAcks, resets, unreachable, udpUnreachable),
          newFlows);
    }
  }

  private final Map<String, Counters> counters = new HashMap<>();
  private final Set<String> members = new LinkedHashSet<>();
  private final Set<String> out = new HashSet<>();
  private OutlierDetector<String> detector = new OutlierDetector<>(SPEC, true);

  private Counters backend(String name) {
    members.add(name);
    return counters.computeIfAbsent(name, n -> new Counters());
  }

  /** A reading at {@code now}; applies the verdicts the way the health monitor does. */
  private List<Verdict<String>> read(long now) {
    Map<String, Sample> readings = new HashMap<>();
    counters.forEach(
        (k, c) -> {
          if (!out.contains(k)) {
            readings.put(k, c.sample()); // the data plane runs backends in rotation only
          }
        });
    List<Verdict<String>> verdicts = detector.observe(members, readings, out, now);
    for (Verdict<String> v : verdicts) {
      if (v.kind() == Verdict.Kind.EJECT) {
        out.add(v.backend());
      } else {
        out.remove(v.backend());
        counters.put(v.backend(), new Counters()); // back in the data plane: counted afresh
      }
    }
    return verdicts;
  }

  private Counters threeBackends() {
    backend("a");
    backend("b");
    Counters c = backend("c");
    read(0);
    return c;
  }

  @Test
  void consecutiveResetsEjectAtOnceWithTheReasonInWords() {
    Counters c = threeBackends();
    c.reset(2);
    assertThat(read(20)).as("two failures are not three").isEmpty();
    c.reset(1);

    List<Verdict<String>> v = read(40);

    assertThat(v).hasSize(1);
    assertThat(v.get(0).backend()).isEqualTo("c");
    assertThat(v.get(0).kind()).isEqualTo(Verdict.Kind.EJECT);
    assertThat(v.get(0).reason())
        .isEqualTo(
            "PassiveFailure: 3 new connections failed in a row (3 reset, 0 unreachable,"
                + " 0 unanswered after 1000 ms)");
  }

  @Test
  void unreachableCountsAsAFailure() {
    Counters c = threeBackends();
    c.unreachable(1);
    c.reset(2);

    assertThat(read(20)).extracting(Verdict::backend).containsExactly("c");
  }

  @Test
  void aSuccessBetweenFailuresEndsTheRun() {
    Counters c = threeBackends();
    c.reset(2);
    read(20);
    c.connected(1);
    read(40);
    c.reset(2);

    assertThat(read(60)).as("2, success, 2: never three in a row").isEmpty();
  }

  @Test
  void aReadingWithMoreFailuresThanSuccessesKeepsItsFailures() {
    Counters c = threeBackends();
    c.connected(1);
    c.reset(3); // died within one reading: its last successes, then its failures

    assertThat(read(20)).extracting(Verdict::backend).containsExactly("c");
  }

  @Test
  void occasionalFailuresAmongManySuccessesNeverEject() {
    Counters c = threeBackends();
    for (int t = 1; t <= 100; t++) {
      c.connected(10);
      c.reset(2);
      assertThat(read(t * 20L)).isEmpty();
    }
  }

  @Test
  void retransmittedSynsAreNotFailures() {
    Counters c = threeBackends();
    backend("a").connected(5);
    c.connected(1);
    c.retransmits += 50; // one client asking again and again

    assertThat(read(20)).isEmpty();
    assertThat(read(2000)).isEmpty();
  }

  @Test
  void synsUnansweredForAWindowWhileOthersAnswerEject() {
    Counters a = backend("a");
    backend("b");
    Counters c = backend("c");
    read(0);
    c.silent(3);
    a.connected(5);
    assertThat(read(20)).as("not yet a window old").isEmpty();
    a.connected(5);
    assertThat(read(990)).isEmpty();
    a.connected(5);

    List<Verdict<String>> v = read(1040);

    assertThat(v).extracting(Verdict::backend).containsExactly("c");
    assertThat(v.get(0).reason()).contains("3 unanswered after 1000 ms");
  }

  @Test
  void aSlowBackendThatAnswersWithinTheWindowStays() {
    Counters a = backend("a");
    backend("b");
    Counters c = backend("c");
    read(0);
    for (int t = 1; t <= 200; t++) {
      a.connected(2);
      c.silent(2); // SYNs out now,
      if (t > 20) {
        c.synAcks += 2; // answered 400 ms later
      }
      assertThat(read(t * 20L)).isEmpty();
    }
  }

  @Test
  void silenceIsNotJudgedWhenNoBackendAnswers() {
    Counters a = backend("a");
    Counters b = backend("b");
    read(0);
    a.silent(10); // DSR, or the whole service down: nothing to compare with
    b.silent(10);
    read(20);

    assertThat(read(2000)).isEmpty();
    assertThat(read(4000)).isEmpty();
  }

  @Test
  void neverMoreThanMaxEjectedPercentOut() {
    backend("a");
    backend("b");
    backend("c");
    Counters d = backend("d");
    read(0);
    for (String k : List.of("a", "b", "c")) {
      counters.get(k).reset(5);
    }
    d.reset(3);

    List<Verdict<String>> v = read(20);

    assertThat(v).as("50% of 4").hasSize(2);
    assertThat(out).hasSize(2);
    assertThat(v).extracting(Verdict::backend).isSubsetOf("a", "b", "c");
  }

  @Test
  void backendsOutForTheirProbeCountTowardsTheLimit() {
    backend("a");
    backend("b");
    Counters c = backend("c");
    backend("d");
    read(0);
    out.add("a");
    out.add("b"); // their probe failed
    c.reset(5);

    assertThat(read(20)).as("2 of 4 out already").isEmpty();

    out.remove("a");
    counters.put("a", new Counters());
    assertThat(read(40))
        .as("room again: the run stood")
        .extracting(Verdict::backend)
        .containsExactly("c");
  }

  @Test
  void withAProbeOnlyTheProbeBringsItBack() {
    Counters c = threeBackends();
    c.reset(3);
    read(20);
    assertThat(out).containsExactly("c");

    assertThat(read(1_000_000)).as("no timer").isEmpty();
    assertThat(out).containsExactly("c");

    out.remove("c"); // its probe succeeded
    counters.put("c", new Counters());
    read(1_000_020);
    counters.get("c").reset(2);
    assertThat(read(1_000_040)).as("a fresh run").isEmpty();
  }

  @Test
  void withoutAProbeItReturnsOnTrialAfterTheEjectionTime() {
    detector = new OutlierDetector<>(SPEC, false);
    Counters c = threeBackends();
    c.reset(3);
    read(20);
    assertThat(read(10_019)).isEmpty();

    List<Verdict<String>> back = read(10_020);

    assertThat(back).hasSize(1);
    assertThat(back.get(0).kind()).isEqualTo(Verdict.Kind.RETURN_ON_TRIAL);
    assertThat(back.get(0).reason()).isEqualTo("back on trial after 10000 ms out of rotation");
    assertThat(out).isEmpty();
  }

  @Test
  void onTrialTheFirstFailureEjectsAgainForLonger() {
    detector = new OutlierDetector<>(SPEC, false);
    Counters c = threeBackends();
    c.reset(3);
    read(20);
    read(10_020);
    read(10_040); // counted afresh from here
    counters.get("c").reset(1);

    assertThat(read(10_060)).extracting(Verdict::kind).containsExactly(Verdict.Kind.EJECT);
    assertThat(read(30_059)).as("second ejection: twice as long").isEmpty();
    assertThat(read(30_060))
        .extracting(Verdict::kind)
        .containsExactly(Verdict.Kind.RETURN_ON_TRIAL);
  }

  @Test
  void enoughSuccessesOnTrialEndTheTrial() {
    detector = new OutlierDetector<>(SPEC, false);
    Counters c = threeBackends();
    c.reset(3);
    read(20);
    read(10_020);
    read(10_040);
    counters.get("c").connected(3);
    read(10_060);
    counters.get("c").reset(1);

    assertThat(read(10_080)).as("one failure after the trial is not three").isEmpty();
  }

  @Test
  void udpPortUnreachableEjects() {
    backend("a");
    backend("b");
    Counters c = backend("c");
    read(0);
    c.newFlows += 3;
    c.unreachable += 3;
    c.udpUnreachable += 3;

    assertThat(read(20)).extracting(Verdict::backend).containsExactly("c");
  }

  @Test
  void udpFlowsWithoutUnreachableAreSuccesses() {
    backend("a");
    backend("b");
    Counters c = backend("c");
    read(0);
    c.newFlows += 2;
    c.unreachable += 2;
    c.udpUnreachable += 2;
    read(20);
    c.newFlows += 5;
    read(40);
    c.newFlows += 2;
    c.unreachable += 2;
    c.udpUnreachable += 2;

    assertThat(read(60)).isEmpty();
  }

  @Test
  void countersStartingAgainAreABaselineNotFailures() {
    Counters c = threeBackends();
    c.reset(2);
    read(20);
    counters.put("c", new Counters()); // left the data plane and came back
    read(40);
    counters.get("c").reset(1);

    assertThat(read(60)).as("the run is 1, not 3").isEmpty();
  }

  @Test
  void settingsAreCheckedNamingTheField() {
    PassiveCheck ok =
        PassiveCheck.newBuilder()
            .setConsecutiveFailures(3)
            .setWindowMillis(1000)
            .setEjectionTimeMillis(30_000)
            .setMaxEjectedPercent(50)
            .build();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> PassiveSpec.of(ok.toBuilder().setMaxEjectedPercent(0).build(), "check x "))
        .hasMessageContaining("passive.max_ejected_percent is 0 (1-100");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> PassiveSpec.of(ok.toBuilder().setWindowMillis(0).build(), "check x "))
        .hasMessageContaining("passive.window_millis is 0");
    assertThat(PassiveSpec.of(ok, "").maxEjected(3)).isEqualTo(1);
  }
}
