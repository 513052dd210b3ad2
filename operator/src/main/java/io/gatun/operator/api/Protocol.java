package io.gatun.operator.api;

/** Transport protocols a VIP port can serve. */
public enum Protocol {
  TCP,
  UDP,
  SCTP
}
