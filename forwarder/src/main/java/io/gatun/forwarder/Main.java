package io.gatun.forwarder;

import io.gatun.control.v1.Port;
import io.gatun.forwarder.dataplane.DataPlaneAdapter;
import io.gatun.forwarder.health.Probes;
import io.gatun.fwd.DataPlane;
import io.gatun.fwd.PortSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
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
                .map(a -> a.address().getHostAddress() + "/" + a.prefixLength())
                .toList())
        .build();
  }

  public static void main(String[] args) throws InterruptedException {
    ForwarderConfig config;
    try {
      config = ForwarderConfig.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    DataPlane dataPlane = DataPlane.open(config.ealArgs());
    List<Port> ports = new ArrayList<>();
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
}
