package io.gatun.forwarder;

import io.gatun.control.Address;
import io.gatun.control.v1.Port;
import io.gatun.forwarder.bgp.FrrDirectory;
import io.gatun.forwarder.bgp.KernelInterfaces;
import io.gatun.forwarder.dataplane.DataPlaneAdapter;
import io.gatun.forwarder.fleet.Announcer;
import io.gatun.forwarder.fleet.Fleet;
import io.gatun.forwarder.fleet.FleetDataPlane;
import io.gatun.forwarder.fleet.LoneAnnouncer;
import io.gatun.forwarder.fleet.NativeFleetDataPlane;
import io.gatun.forwarder.health.Probes;
import io.gatun.fwd.DataPlane;
import io.gatun.fwd.PortSpec;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
    FleetDataPlane fleetPort = new NativeFleetDataPlane(dataPlane, ports.size());
    Agent agent =
        new Agent(
            config,
            new DataPlaneAdapter(dataPlane),
            ports,
            probes,
            Clock.systemUTC(),
            registry -> announcer(config, fleetPort, registry));
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
                    Duration grace = agent.leave();
                    if (grace.isPositive()) {
                      log.info("forwarding {} ms more before stopping", grace.toMillis());
                      Thread.sleep(grace);
                    }
                    agent.close();
                    probes.close();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  dataPlane.close();
                }));
    agent.run();
  }

  /** L2 ownership among the cluster's forwarders, or every VIP when no fleet is configured. */
  private static Announcer announcer(
      ForwarderConfig config, FleetDataPlane dataPlane, MeterRegistry registry) {
    return config
        .fleet()
        .<Announcer>map(
            fleet -> Fleet.running(fleet, config.name(), config.node(), dataPlane, registry))
        .orElseGet(
            () ->
                new LoneAnnouncer(dataPlane, config.garpCount(), config.garpInterval(), registry));
  }

  private static DataPlane startDataPlane(ForwarderConfig config, List<Port> ports) {
    if (config.bgp().isPresent()) {
      try {
        FrrDirectory.clearLeftovers(config.bgp().get(), config.name());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted stopping a previous agent's FRR", e);
      }
    }
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
      if (config.bgp().isPresent()) {
        String devargs =
            KernelInterfaces.devargs(
                config.bgp().get().interfacePrefix(), idx, dataPlane.portMac(idx));
        dataPlane.addKernelInterface(idx, devargs);
        log.info("port {}: kernel interface {} (BGP and BFD sessions)", idx, devargs);
      }
    }
    if (config.idleSleepMicros() > 0) {
      dataPlane.setIdleSleep(config.idleSleepMicros());
      log.info("idle workers sleep up to {} us (shared cores)", config.idleSleepMicros());
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
