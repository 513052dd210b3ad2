package io.gatun.forwarder.bgp;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How this forwarder reaches its BGP speaker (command line: {@code --bgp-frr-dir} turns it on).
 *
 * @param frrDir the directory shared with this forwarder's FRR (tools/frr/gatun-frr): its sockets,
 *     the configuration the agent wants and FRR's answers
 * @param frrRun the gatun-frr entrypoint the agent runs as its child (tests, demos), or empty when
 *     FRR runs beside the agent on its own (the forwarder pod's frr container)
 * @param interfacePrefix the data ports' kernel interfaces are named prefix + port index
 */
public record BgpSettings(Path frrDir, Optional<Path> frrRun, String interfacePrefix) {
  public static final Path POD_DIR = Path.of("/var/run/gatun-frr");
  public static final String DEFAULT_INTERFACE_PREFIX = "gk";

  public BgpSettings {
    if (!interfacePrefix.matches("[a-z][a-z0-9]{0,9}")) {
      throw new IllegalArgumentException(
          "--bgp-interface-prefix '"
              + interfacePrefix
              + "': write 1 to 10 lowercase letters or digits, starting with a letter");
    }
  }
}
