package io.gatun.e2e.rig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a Kubernetes node changes on its host, read independently of tools/node.sh: the sysctls the
 * kubelet, kube-proxy and the CNI bridge set, KUBE-/CNI- iptables chains (IPv4 and IPv6), CNI
 * network namespaces, the pod bridge, the kubelet's cgroups, and mounts and processes of a node
 * directory. Two captures compare equal when the host is as it was.
 */
public record HostState(
    Map<String, String> sysctls,
    List<String> iptablesChains,
    List<String> cniNetworkNamespaces,
    boolean podBridge,
    boolean kubeletCgroups,
    List<String> nodeMounts,
    List<String> nodeProcesses) {

  public static final List<String> SYSCTLS =
      List.of(
          "kernel.panic",
          "kernel.panic_on_oops",
          "kernel.keys.root_maxkeys",
          "kernel.keys.root_maxbytes",
          "vm.overcommit_memory",
          "vm.panic_on_oom",
          "vm.nr_hugepages",
          "net.ipv4.ip_forward",
          "net.ipv4.conf.all.route_localnet");

  /** The host now; mounts and processes are those naming {@code nodeDir}. */
  public static HostState capture(Path nodeDir) {
    Map<String, String> sysctls = new TreeMap<>();
    for (String key : SYSCTLS) {
      Path file = Path.of("/proc/sys", key.replace('.', '/'));
      sysctls.put(key, read(file).trim());
    }
    List<String> chains = new ArrayList<>();
    for (String iptables : List.of("iptables", "ip6tables")) {
      for (String table : List.of("filter", "nat", "mangle", "raw")) {
        for (String line : run(iptables, "-t", table, "-S").lines().toList()) {
          if (line.startsWith("-N KUBE-") || line.startsWith("-N CNI-")) {
            chains.add(iptables + " " + table + " " + line.substring(3));
          }
        }
      }
    }
    List<String> netns =
        run("ip", "netns", "list")
            .lines()
            .map(l -> l.split(" ")[0])
            .filter(n -> n.startsWith("cni-"))
            .sorted()
            .toList();
    boolean bridge = Files.exists(Path.of("/sys/class/net/gtnode0"));
    boolean cgroups;
    try (Stream<Path> controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
      cgroups = controllers.anyMatch(c -> Files.isDirectory(c.resolve("kubepods")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String dir = nodeDir.toString() + "/";
    List<String> mounts =
        read(Path.of("/proc/self/mountinfo"))
            .lines()
            .map(l -> l.split(" ")[4])
            .filter(m -> (m + "/").startsWith(dir))
            .sorted()
            .toList();
    List<String> processes = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        String cmdline;
        try {
          cmdline = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
        } catch (IOException e) {
          continue; // gone meanwhile
        }
        if (cmdline.contains(dir)
            && ProcessHandle.current().pid() != Long.parseLong(p.getFileName().toString())) {
          processes.add(p.getFileName() + " " + cmdline);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new HostState(sysctls, chains, netns, bridge, cgroups, mounts, processes);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
