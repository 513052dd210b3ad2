package io.gatun.forwarder.metrics;

import java.net.InetAddress;
import java.util.Set;

/**
 * A service of the operator's snapshot as traffic metrics label it: the data plane knows (VIP,
 * protocol, port), people know the key ({@code namespace/loadbalancer/port}).
 *
 * @param backends {@code address:port} of every backend in the snapshot, healthy or not
 */
public record NamedService(
    InetAddress vip, String protocol, int port, String key, Set<String> backends) {}
