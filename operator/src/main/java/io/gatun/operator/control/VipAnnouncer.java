package io.gatun.operator.control;

import java.time.Instant;

/** A forwarder answering for a VIP now, since {@code since}. */
public record VipAnnouncer(String address, String forwarder, String node, Instant since) {}
