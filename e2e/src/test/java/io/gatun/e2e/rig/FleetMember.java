package io.gatun.e2e.rig;

import io.gatun.forwarder.testing.TestForwarder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One forwarder of a test fleet: its port on the test network's forwarder interface {@code member}
 * (1-based), its fleet key and cluster, and the idle back-off that lets three share two cores. The
 * failover E2E and benchmark start their members the same way through here.
 */
public final class FleetMember {
  private FleetMember() {}

  /** The agent's arguments; {@code extra} are the caller's own flags (interval, drain grace). */
  public static List<String> args(
      TestNetwork network,
      int member,
      String name,
      String operatorTarget,
      String address,
      Path key,
      String cluster,
      String... extra) {
    List<String> args =
        new ArrayList<>(
            TestForwarder.args(
                name,
                operatorTarget,
                "net_af_packet0,iface="
                    + network.forwarderInterface(member)
                    + "@"
                    + address
                    + "/24",
                "-l 0-1 --no-huge -m 1024 --no-pci --no-shconf --no-telemetry --file-prefix "
                    + name
                    + " --log-level *:warning",
                List.of("--plaintext")));
    args.addAll(
        List.of(
            "--fleet-key-file",
            key.toString(),
            "--cluster-id",
            cluster,
            "--idle-sleep-us",
            "1000"));
    args.addAll(List.of(extra));
    return args;
  }

  /** The MAC of member's port, as clients see it answer ARP. */
  public static String mac(TestNetwork network, int member) throws IOException {
    return Files.readString(
            Path.of("/sys/class/net", network.forwarderInterface(member), "address"))
        .strip();
  }
}
