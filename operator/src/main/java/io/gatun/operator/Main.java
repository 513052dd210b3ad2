package io.gatun.operator;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar gatun-operator.jar [--grpc-address HOST:PORT] [--default-class[=true|false]]
 * [--leader-election[=NAMESPACE]]}
 *
 * <p>Connects to the cluster the usual way (in-cluster service account, or KUBECONFIG / ~/.kube)
 * and runs until SIGTERM or SIGINT.
 */
public final class Main {

  private static final String USAGE =
      """
      usage: gatun-operator [--grpc-address HOST:PORT] [--default-class[=true|false]]
                            [--leader-election[=NAMESPACE]]

        --grpc-address     where forwarders dial in (default 0.0.0.0:9100)
        --default-class    also serve Services of type LoadBalancer without a loadBalancerClass
        --leader-election  run as one of several replicas: the holder of the Lease
                           gatun-operator (in NAMESPACE, default: the client's) is active
      """;

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    OperatorOptions options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("gatun-operator: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    if (options == null) {
      System.out.print(USAGE);
      return;
    }

    var client = new KubernetesClientBuilder().build();
    GatunOperator operator;
    try {
      operator = GatunOperator.start(client, options);
    } catch (RuntimeException e) {
      System.err.println("gatun-operator: cannot start: " + e.getMessage());
      client.close();
      System.exit(1);
      return;
    }
    var stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  operator.close();
                  client.close();
                  stopped.countDown();
                },
                "gatun-shutdown"));
    // A replica that lost its lease has stopped; exiting lets Kubernetes start a fresh standby.
    operator.lostLeadership().thenRun(() -> System.exit(1));
    stopped.await();
  }

  /** Returns null when help was asked for. */
  static OperatorOptions parse(String... args) {
    var options = OperatorOptions.defaults();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      int equals = arg.indexOf('=');
      if (arg.startsWith("--") && equals > 0) {
        value = arg.substring(equals + 1);
        arg = arg.substring(0, equals);
      }
      switch (arg) {
        case "-h", "--help" -> {
          return null;
        }
        case "--grpc-address" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException("--grpc-address needs HOST:PORT");
            }
            value = args[++i];
          }
          options = options.withGrpcAddress(OperatorOptions.parseAddress(value));
        }
        case "--leader-election" ->
            options =
                options.withLeaderElection(
                    LeaderElection.of(value == null || value.isBlank() ? null : value, null));
        case "--default-class" -> {
          if (value != null && !value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException("--default-class takes true or false");
          }
          options = options.withDefaultClass(value == null || Boolean.parseBoolean(value));
        }
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    return options;
  }
}
