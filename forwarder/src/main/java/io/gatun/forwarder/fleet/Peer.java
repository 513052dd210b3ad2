package io.gatun.forwarder.fleet;

import java.time.Duration;

/**
 * A forwarder of the fleet this one hears.
 *
 * @param id its forwarder name
 * @param node its Kubernetes node
 * @param mac the port MAC its advertisements come from
 * @param priority of its last advertisement
 * @param interval it advertises at
 * @param listening it has not started claiming yet ({@link Advertisement#listening()})
 * @param deadAtNanos when it counts as gone unless heard again ({@link System#nanoTime()} scale)
 * @param heardAtNanos when it was last heard (a Pool's own timers judge it from there)
 */
public record Peer(
    String id,
    String node,
    String mac,
    int priority,
    Duration interval,
    boolean listening,
    long deadAtNanos,
    long heardAtNanos) {}
