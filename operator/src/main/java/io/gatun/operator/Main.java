package io.gatun.operator;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gatun.operator.control.ControlChannelSecurity;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The operator's command line (see {@link #USAGE}). Connects to the cluster the usual way
 * (in-cluster service account, or KUBECONFIG / ~/.kube) and runs until SIGTERM or SIGINT.
 */
public final class Main {

  static final String USAGE =
      """
      usage: gatun-operator [--grpc-address HOST:PORT] [--metrics-address HOST:PORT]
                            [--tls-cert FILE --tls-key FILE --tls-ca FILE | --tls-secret NS/NAME
                             | --plaintext]
                            [--default-class[=true|false]] [--leader-election[=NAMESPACE]]
                            [--namespace NAMESPACE] [--forwarder-image IMAGE]
                            [--frr-image IMAGE]

        --grpc-address     where forwarders dial in (default 0.0.0.0:9100)
        --tls-cert/-key    the control channel's certificate and key (PEM); with --tls-ca, the CA
        --tls-ca           forwarders' client certificates must chain to: mutual TLS
        --tls-secret       the same from a Secret with tls.crt, tls.key and ca.crt
        --plaintext        no TLS (without TLS material it is only allowed on a loopback address)
        --metrics-address  serve /metrics (Prometheus), /healthz and /readyz there
        --default-class    also serve Services of type LoadBalancer without a loadBalancerClass
                           (default: the environment variable GATUN_DEFAULT_CLASS, else false)
        --leader-election  run as one of several replicas: the holder of the Lease
                           gatun-operator (in NAMESPACE, default: the client's) is active
        --namespace        where ForwarderSets are rendered into DaemonSets (default: the pod's
                           namespace, or gatun-system outside a pod)
        --forwarder-image  the image of ForwarderSets without spec.image (default:
                           docker.io/gatun/forwarder:<this version>)
        --frr-image        the FRR image beside every forwarder, its BGP speaker (default:
                           docker.io/gatun/frr:<this version>)
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

  /** Where installers without a command line (OLM's Subscription config) switch the default. */
  static final String DEFAULT_CLASS_VARIABLE = "GATUN_DEFAULT_CLASS";

  /** Returns null when help was asked for. */
  static OperatorOptions parse(String... args) {
    return parse(System.getenv(), args);
  }

  /** The environment gives defaults ({@value #DEFAULT_CLASS_VARIABLE}); the arguments win. */
  static OperatorOptions parse(Map<String, String> environment, String... args) {
    var options = OperatorOptions.defaults();
    String defaultClass = environment.get(DEFAULT_CLASS_VARIABLE);
    if (defaultClass != null && !defaultClass.isBlank()) {
      if (!defaultClass.equals("true") && !defaultClass.equals("false")) {
        throw new IllegalArgumentException(
            DEFAULT_CLASS_VARIABLE + " takes true or false, got \"" + defaultClass + "\"");
      }
      options = options.withDefaultClass(Boolean.parseBoolean(defaultClass));
    }
    Path cert = null;
    Path key = null;
    Path ca = null;
    String secret = null;
    boolean plaintext = false;
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
          value = value != null ? value : next(args, ++i, arg, "HOST:PORT");
          options = options.withGrpcAddress(OperatorOptions.parseAddress(value));
        }
        case "--metrics-address" -> {
          value = value != null ? value : next(args, ++i, arg, "HOST:PORT");
          options = options.withMetricsAddress(OperatorOptions.parseAddress(value));
        }
        case "--tls-cert" -> cert = Path.of(value != null ? value : next(args, ++i, arg, "FILE"));
        case "--tls-key" -> key = Path.of(value != null ? value : next(args, ++i, arg, "FILE"));
        case "--tls-ca" -> ca = Path.of(value != null ? value : next(args, ++i, arg, "FILE"));
        case "--tls-secret" ->
            secret = value != null ? value : next(args, ++i, arg, "NAMESPACE/NAME");
        case "--plaintext" -> plaintext = true;
        case "--leader-election" ->
            options =
                options.withLeaderElection(
                    LeaderElection.of(value == null || value.isBlank() ? null : value, null));
        case "--namespace" ->
            options =
                options.withForwarderSets(
                    options
                        .forwarderSets()
                        .withNamespace(value != null ? value : next(args, ++i, arg, "NAMESPACE")));
        case "--forwarder-image" ->
            options =
                options.withForwarderSets(
                    options
                        .forwarderSets()
                        .withDefaultImage(value != null ? value : next(args, ++i, arg, "IMAGE")));
        case "--frr-image" ->
            options =
                options.withForwarderSets(
                    options
                        .forwarderSets()
                        .withFrrImage(value != null ? value : next(args, ++i, arg, "IMAGE")));
        case "--default-class" -> {
          if (value != null && !value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException("--default-class takes true or false");
          }
          options = options.withDefaultClass(value == null || Boolean.parseBoolean(value));
        }
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    return options.withSecurity(security(cert, key, ca, secret, plaintext));
  }

  private static ControlChannelSecurity security(
      Path cert, Path key, Path ca, String secret, boolean plaintext) {
    boolean files = cert != null || key != null || ca != null;
    if ((files ? 1 : 0) + (secret != null ? 1 : 0) + (plaintext ? 1 : 0) > 1) {
      throw new IllegalArgumentException(
          "choose one of --tls-cert/--tls-key/--tls-ca, --tls-secret and --plaintext");
    }
    if (files) {
      if (cert == null || key == null || ca == null) {
        throw new IllegalArgumentException("--tls-cert, --tls-key and --tls-ca go together");
      }
      return new ControlChannelSecurity.TlsFiles(cert, key, ca);
    }
    if (secret != null) {
      int slash = secret.indexOf('/');
      if (slash <= 0 || slash == secret.length() - 1) {
        throw new IllegalArgumentException(
            "--tls-secret takes NAMESPACE/NAME, got \"" + secret + "\"");
      }
      return new ControlChannelSecurity.TlsSecret(
          secret.substring(0, slash), secret.substring(slash + 1));
    }
    return plaintext
        ? new ControlChannelSecurity.Plaintext()
        : new ControlChannelSecurity.LoopbackOnly();
  }

  private static String next(String[] args, int i, String flag, String what) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs " + what);
    }
    return args[i];
  }
}
