package io.gatun.forwarder;

import io.gatun.control.v1.Hello;
import io.gatun.control.v1.Observation;
import io.gatun.control.v1.Port;
import io.gatun.control.v1.PortState;
import io.gatun.fwd.DataPlane;
import io.gatun.fwd.PortSpec;
import io.gatun.fwd.ServiceSpec;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The forwarder pod's main process: starts the data plane, then follows the operator. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

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
    for (PortSpec port : config.ports()) {
      int idx = dataPlane.addPort(port);
      log.info(
          "port {}: {} with {}/{}",
          idx,
          port.devargs(),
          port.address().getHostAddress(),
          port.prefixLength());
    }
    log.info("data plane running on {} worker(s)", dataPlane.start());

    SnapshotApplier applier = new SnapshotApplier(adapter(dataPlane));
    ControlChannel channel =
        new ControlChannel(
            config.operator(),
            applier,
            () -> hello(config, dataPlane, applier),
            () -> observation(config, dataPlane),
            config.reconnectMax());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutting down");
                  channel.close();
                  dataPlane.close();
                }));
    channel.run();
  }

  private static DataPlaneControl adapter(DataPlane dataPlane) {
    return new DataPlaneControl() {
      @Override
      public void commit(long generation, List<ServiceSpec> services) {
        dataPlane.commit(generation, services);
      }

      @Override
      public long generation() {
        return dataPlane.generation();
      }
    };
  }

  private static Hello hello(ForwarderConfig config, DataPlane dataPlane, SnapshotApplier applier) {
    Hello.Builder hello =
        Hello.newBuilder()
            .setForwarderName(config.name())
            .setNodeName(config.node())
            .addAllCapabilities(List.of("ipv4", "fullnat", "maglev", "tcp", "udp"))
            .setAppliedGeneration(applier.lastOperatorGeneration());
    for (int i = 0; i < config.ports().size(); i++) {
      PortSpec spec = config.ports().get(i);
      hello.addPorts(
          Port.newBuilder()
              .setName(spec.devargs().split(",")[0])
              .setMac(HexFormat.ofDelimiter(":").formatHex(dataPlane.portMac(i)))
              .addAddresses(spec.address().getHostAddress() + "/" + spec.prefixLength())
              .setLinkUp(dataPlane.linkUp(i)));
    }
    return hello.build();
  }

  private static Observation observation(ForwarderConfig config, DataPlane dataPlane) {
    Map<String, Long> c = dataPlane.counters();
    long drops =
        c.entrySet().stream()
            .filter(e -> e.getKey().startsWith("drop_"))
            .mapToLong(Map.Entry::getValue)
            .sum();
    Observation.Builder o = Observation.newBuilder();
    for (int i = 0; i < config.ports().size(); i++) {
      o.addPorts(
          PortState.newBuilder()
              .setName(config.ports().get(i).devargs().split(",")[0])
              .setLinkUp(dataPlane.linkUp(i))
              .setRxPackets(c.getOrDefault("rx_packets", 0L))
              .setTxPackets(c.getOrDefault("tx_packets", 0L))
              .setDroppedPackets(drops));
    }
    return o.build();
  }
}
