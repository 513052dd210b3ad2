package io.gatun.forwarder.bgp;

import java.nio.file.Path;

/**
 * How this forwarder runs its BGP speaker (command line: {@code --bgp-frr-dir} turns it on).
 *
 * @param frrDir this forwarder's own FRR directory (sockets, pid files, configuration, logs)
 * @param frrDaemons where zebra, bgpd, bfdd and frr-reload.py are
 * @param interfacePrefix the data ports' kernel interfaces are named prefix + port index
 */
public record BgpSettings(Path frrDir, Path frrDaemons, String interfacePrefix) {
  public static final Path DEBIAN_DAEMONS = Path.of("/usr/lib/frr");
  public static final String DEFAULT_INTERFACE_PREFIX = "gk";

  public BgpSettings {
    if (!interfacePrefix.matches("[a-z][a-z0-9]{0,9}")) {
      throw new IllegalArgumentException(
          "--bgp-interface-prefix '"
              + interfacePrefix
              + "': write 1 to 10 lowercase letters or digits, starting with a letter");
    }
  }

  public FrrDaemons.Paths paths() {
    return new FrrDaemons.Paths(frrDir, frrDaemons, Path.of("/usr/bin/vtysh"));
  }
}
