package io.gatun.operator.api;

/** What a health probe sends. */
public enum ProbeType {
  /** ICMP echo to the backend's address. */
  ICMP,
  /** A TCP connection that completes its handshake. */
  TCP,
  /** A UDP datagram, healthy on an answer (containing payload.expect when set). */
  UDP,
  /** An SCTP association that comes up (with payload.send as DATA when set). */
  SCTP,
  /** An HTTP request, healthy on an expected status. */
  HTTP,
  /** An HTTP request over TLS. */
  HTTPS,
  /** No probe is sent: only the data plane's passive verdict ({@code spec.passive}) counts. */
  PASSIVE
}
