package io.gatun.forwarder;

import io.gatun.control.Address;
import io.gatun.control.v1.Port;
import io.gatun.forwarder.dataplane.DataPlaneAdapter;
import io.gatun.forwarder.health.Probes;
import io.gatun.fwd.DataPlane;
import io.gatun.fwd.PortSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The forwarder pod's main process: starts the data plane, then follows the operator. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  /** A data-plane port as the operator hears of it: name, MAC, addresses (CIDR). */
  public static Port describe(PortSpec port, byte[] mac) {
    return Port.newBuilder()
        .setName(ForwarderConfig.portName(port))
        .setMac(HexFormat.ofDelimiter(":").formatHex(mac))
        .addAllAddresses(
            port.addresses().stream()
                .map(a -> Address.text(a.address()) + "/" + a.prefixLength())
                .toList())
        .build();
  }

  public static void main(String[] args) throws InterruptedException {
    Optional<Path> terminationLog = ForwarderConfig.terminationLog(args);
    ForwarderConfig config;
    try {
      config = ForwarderConfig.parse(args);
    } catch (IllegalArgumentException e) {
      exit(terminationLog, e.getMessage(), 2);
      return;
    }
    DataPlane dataPlane;
    List<Port> ports = new ArrayList<>();
    try {
      dataPlane = startDataPlane(config, ports);
    } catch (RuntimeException e) {
      log.error("the data plane did not start", e);
      exit(terminationLog, "the data port failed to start: " + e.getMessage(), 1);
      return;
    }

    Probes probes = Probes.withDefaultTrust();
    Agent agent =
        new Agent(config, new DataPlaneAdapter(dataPlane), ports, probes, Clock.systemUTC());
    log.info(
        "metrics, healthz and readyz on {}:{}",
        config.metricsAddress().getHostString(),
        agent.metricsPort());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutting down");
                  try {
                    agent.close();
                    probes.close();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  dataPlane.close();
                }));
    agent.run();
  }

  private static DataPlane startDataPlane(ForwarderConfig config, List<Port> ports) {
    DataPlane dataPlane = DataPlane.open(config.ealArgs());
    for (PortSpec port : config.ports()) {
      int idx = dataPlane.addPort(port);
      Port described = describe(port, dataPlane.portMac(idx));
      log.info(
          "port {}: {} with {}",
          idx,
          port.devargs(),
          String.join(", ", described.getAddressesList()));
      ports.add(described);
    }
    log.info("data plane running on {} worker(s)", dataPlane.start());
    return dataPlane;
  }

  /**
   * Says why the forwarder cannot run, on stderr and where Kubernetes reads it into the pod's
   * status (the operator reports it on the ForwarderSet), then exits.
   */
  private static void exit(Optional<Path> terminationLog, String why, int status) {
    System.err.println(why);
    terminationLog.ifPresent(
        file -> {
          try {
            Files.writeString(file, why + System.lineSeparator());
          } catch (IOException e) {
            System.err.println("cannot write the termination log " + file + ": " + e);
          }
        });
    System.exit(status);
  }
}
