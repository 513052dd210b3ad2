package io.gatun.forwarder.health;

import java.io.IOException;
import java.net.ConnectException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import javax.net.ssl.SSLException;

/** Turns what went wrong into the short reason a probe reports. */
final class Failures {
  private Failures() {}

  static String describe(IOException e, Duration timeout) {
    return switch (e) {
      case SocketTimeoutException t -> "timeout after " + timeout.toMillis() + " ms";
      case PortUnreachableException p -> "port unreachable";
      case ConnectException c ->
          c.getMessage() != null && c.getMessage().contains("refused")
              ? "connection refused"
              : "connect failed: " + c.getMessage();
      case SSLException s -> "TLS: " + s.getMessage();
      default -> e.getClass().getSimpleName() + ": " + e.getMessage();
    };
  }

  /** Whether {@code data} contains {@code wanted} (an empty {@code wanted} is always found). */
  static boolean contains(byte[] data, int length, byte[] wanted) {
    outer:
    for (int i = 0; i + wanted.length <= length; i++) {
      for (int j = 0; j < wanted.length; j++) {
        if (data[i + j] != wanted[j]) {
          continue outer;
        }
      }
      return true;
    }
    return wanted.length == 0;
  }

  /** Milliseconds left before a deadline, at least 1 (0 would mean "no timeout" to sockets). */
  static int millisLeft(long deadlineNanos) {
    return (int) Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
  }
}
