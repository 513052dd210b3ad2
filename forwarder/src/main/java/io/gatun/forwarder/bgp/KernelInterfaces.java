package io.gatun.forwarder.bgp;

import io.gatun.control.Address;
import io.gatun.fwd.PortAddress;
import io.gatun.fwd.PortSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The kernel side of the data ports' exception path: DPDK's {@code net_tap} creates one interface
 * per data port, carrying the port's MAC (the data plane sets it); this gives it the port's
 * addresses, so FRR's sessions leave from the port's address and the kernel answers for it. Why
 * net_tap: it is a kernel interface FRR uses like any other (zebra sees it, bgpd binds to its
 * address, bfdd opens its sockets on it), created and owned by the data plane's process, so it
 * disappears with that process; a virtio-user/vhost-net exception path would be faster but needs
 * vhost-net, and the traffic here is a few BGP and BFD packets a second.
 */
public final class KernelInterfaces {
  private KernelInterfaces() {}

  /** The interface name of data port {@code index}. */
  public static String name(String prefix, int index) {
    return prefix + index;
  }

  /**
   * The devargs gfwd_port_kernel_add takes for data port {@code index}: the interface carries the
   * port's MAC from its creation (what the kernel sends must come back to the data port, and its
   * neighbours must learn one MAC for the port's address).
   */
  public static String devargs(String prefix, int index, byte[] portMac) {
    return "net_tap"
        + index
        + ",iface="
        + name(prefix, index)
        + ",mac="
        + java.util.HexFormat.ofDelimiter(":").formatHex(portMac);
  }

  /**
   * The commands that give the interface the port's addresses: IPv6 without duplicate address
   * detection (the data plane answers for the address already) and without router advertisements
   * (the forwarder takes no routes).
   */
  public static List<List<String>> commands(String iface, PortSpec port) {
    List<List<String>> cmds = new ArrayList<>();
    cmds.add(List.of("sysctl", "-qw", "net.ipv6.conf." + iface + ".accept_ra=0"));
    for (PortAddress a : port.addresses()) {
      boolean v6 = a.address().getAddress().length == 16;
      List<String> add =
          new ArrayList<>(
              List.of(
                  "ip",
                  "addr",
                  "replace",
                  Address.text(a.address()) + "/" + a.prefixLength(),
                  "dev",
                  iface));
      if (v6) {
        add.add("nodad");
      }
      cmds.add(add);
    }
    cmds.add(List.of("ip", "link", "set", iface, "up"));
    return cmds;
  }

  /** Runs {@link #commands}; throws naming the command that failed. */
  public static void configure(String iface, PortSpec port)
      throws IOException, InterruptedException {
    for (List<String> cmd : commands(iface, port)) {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
      }
    }
  }
}
