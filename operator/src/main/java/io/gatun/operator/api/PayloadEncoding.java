package io.gatun.operator.api;

/** How a probe payload is written. */
public enum PayloadEncoding {
  /** UTF-8 text, sent as is. */
  Text,
  /** Pairs of hexadecimal digits, one per byte. */
  Hex
}
