package io.gatun.operator.control;

import io.gatun.control.v1.Capabilities;
import io.gatun.control.v1.Feature;
import io.gatun.control.v1.ForwarderMessage;
import io.gatun.control.v1.Hello;
import io.gatun.control.v1.Observation;
import io.gatun.control.v1.OperatorMessage;
import io.grpc.Status;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What a forwarder's observations cost while VIPs are added one at a time (issue 15): N VIPs, one
 * observation after each (as the agent reports after each snapshot that changed the VIPs it owns),
 * each built and serialised as the agent does, then parsed and taken in by the operator's own
 * conversation and fleet (ForwarderConversation, ForwarderFleet, AnnouncementBook),
 * single-threaded, in one JVM. Prints per size the bytes of the last observation (at N VIPs), the
 * CPU time per observation of the agent's side (build, changes, serialise) and of the operator's
 * side (parse, take in) over the last tenth of the run (p50), and both sides' CPU seconds over all
 * N.
 *
 * <p>Modes: {@code complete} — a forwarder that does not offer OBSERVATION_CHANGES: every
 * observation lists every VIP (what every build before them did); {@code changes} — one that does,
 * after the operator's terms: only the VIP gained. The changes mode needs this build's {@code
 * SentObservations}, reached by name, so the same file compiles in a checkout from before them and
 * measures it in complete mode. No API server, no gRPC transport (its framing follows the bytes),
 * no status writes (the same addresses change in both modes).
 *
 * <p>Not a test: {@code bench/observations.sh [SIZES] [MODES]}.
 */
public final class ObservationBench {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws Exception {
    int[] sizes = Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray();
    List<String> modes = List.of((args.length > 1 ? args[1] : "complete,changes").split(","));
    System.out.printf("observations: load %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    for (int n : sizes) {
      for (String mode : modes) {
        run(Math.min(n, 1000), mode, true); // warm-up, not printed
        run(n, mode, false);
      }
    }
  }

  private static void run(int n, String mode, boolean warmUp) throws Exception {
    boolean changes = mode.equals("changes");
    var stream = new Outbound();
    var conversation = new ForwarderConversation(new ForwarderFleet(), new DesiredState(1), stream);
    Capabilities.Builder capabilities = Capabilities.newBuilder();
    if (changes) {
      capabilities.addFeatures(Feature.valueOf("OBSERVATION_CHANGES"));
    }
    conversation.onNext(
        ForwarderMessage.newBuilder()
            .setHello(
                Hello.newBuilder()
                    .setForwarderName("fwd-0")
                    .setNodeName("node-0")
                    .setCapabilities(capabilities))
            .build());
    UnaryOperator<Observation> agent = changes ? sentObservations(stream.sent) : o -> o;

    var owned = new ArrayList<String>();
    long[] agentNanos = new long[n];
    long[] operatorNanos = new long[n];
    int lastBytes = 0;
    for (int i = 0; i < n; i++) {
      owned.add("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255));
      long t0 = THREADS.getCurrentThreadCpuTime();
      Observation whole =
          Observation.newBuilder().setRxPacketsPerSecond(i).addAllVipsOwned(owned).build();
      byte[] bytes =
          ForwarderMessage.newBuilder().setObservation(agent.apply(whole)).build().toByteArray();
      long t1 = THREADS.getCurrentThreadCpuTime();
      conversation.onNext(ForwarderMessage.parseFrom(bytes));
      long t2 = THREADS.getCurrentThreadCpuTime();
      agentNanos[i] = t1 - t0;
      operatorNanos[i] = t2 - t1;
      lastBytes = bytes.length;
    }
    if (!warmUp) {
      System.out.printf(
          "observations: %,d VIPs %s: last observation %,d B; per observation (p50 of the last"
              + " tenth) agent %.1f us, operator %.1f us; all %,d observations: agent %.2f CPU-s,"
              + " operator %.2f CPU-s%n",
          n,
          mode,
          lastBytes,
          p50LastTenth(agentNanos) / 1e3,
          p50LastTenth(operatorNanos) / 1e3,
          n,
          Arrays.stream(agentNanos).sum() / 1e9,
          Arrays.stream(operatorNanos).sum() / 1e9);
    }
  }

  private static double p50LastTenth(long[] nanos) {
    long[] tail =
        Arrays.copyOfRange(nanos, nanos.length - Math.max(1, nanos.length / 10), nanos.length);
    Arrays.sort(tail);
    return tail[tail.length / 2];
  }

  /**
   * The agent's SentObservations (this build's), told the terms the operator sent: by name, so that
   * this file compiles in a checkout without it.
   */
  private static UnaryOperator<Observation> sentObservations(List<OperatorMessage> fromOperator)
      throws ReflectiveOperationException {
    Class<?> type = Class.forName("io.gatun.control.delta.SentObservations");
    Object sent = type.getConstructor().newInstance();
    var termsField = OperatorMessage.getDescriptor().findFieldByName("observation_terms");
    var terms = type.getMethod("terms", Class.forName("io.gatun.control.v1.ObservationTerms"));
    var next = type.getMethod("next", Observation.class);
    for (OperatorMessage m : fromOperator) {
      if (m.hasField(termsField)) {
        terms.invoke(sent, m.getField(termsField));
      }
    }
    return whole -> {
      try {
        return (Observation) next.invoke(sent, whole);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  /** The operator's half of the stream: what it sends is kept, nothing waits. */
  private static final class Outbound implements OutboundStream {
    final List<OperatorMessage> sent = new ArrayList<>();

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void send(OperatorMessage message) {
      sent.add(message);
    }

    @Override
    public void complete() {}

    @Override
    public void fail(Status status) {}
  }
}
