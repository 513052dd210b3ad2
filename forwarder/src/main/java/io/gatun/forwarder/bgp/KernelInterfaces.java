package io.gatun.forwarder.bgp;

import java.util.List;

/**
 * The kernel side of the data ports' exception path: DPDK's {@code net_tap} creates one interface
 * per data port, carrying the port's MAC (the data plane sets it); zebra gives it the port's
 * addresses ({@link FrrConfigRenderer}: an {@code interface} block), so FRR's sessions leave from
 * the port's address and the kernel answers for it. Zebra, not the agent: the agent's image has no
 * {@code ip} command, and zebra puts the addresses back by itself when a restarted agent's data
 * plane creates the interface again. Why net_tap: it is a kernel interface FRR uses like any other
 * (zebra sees it, bgpd binds to its address, bfdd opens its sockets on it), created and owned by
 * the data plane's process, so it disappears with that process; a virtio-user/vhost-net exception
 * path would be faster but needs vhost-net, and the traffic here is a few BGP and BFD packets a
 * second.
 */
public final class KernelInterfaces {
  private KernelInterfaces() {}

  /** One data port's kernel interface and the addresses zebra gives it (CIDR). */
  public record KernelInterface(String name, List<String> addresses) {
    public KernelInterface {
      addresses = List.copyOf(addresses);
    }
  }

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
}
