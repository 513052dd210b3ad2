package io.gatun.forwarder.health;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A TCP connect; with a {@code send} payload it is written after the handshake, and with an {@code
 * expect} payload the answer must contain it before the timeout.
 */
final class TcpProbe implements Probe {
  @Override
  public ProbeResult check(InetSocketAddress target, HealthCheckSpec spec) {
    long started = System.nanoTime();
    long deadline = started + spec.timeout().toNanos();
    try (Socket socket = new Socket()) {
      socket.connect(target, Failures.millisLeft(deadline));
      byte[] send = spec.send();
      if (send.length > 0) {
        socket.getOutputStream().write(send);
      }
      byte[] expect = spec.expect();
      if (expect.length == 0) {
        return ProbeResult.success("connected", started);
      }
      return awaitAnswer(socket, expect, deadline, started);
    } catch (IOException e) {
      return ProbeResult.failure(Failures.describe(e, spec.timeout()), started);
    }
  }

  private static ProbeResult awaitAnswer(Socket socket, byte[] expect, long deadline, long started)
      throws IOException {
    byte[] seen = new byte[Math.max(4096, expect.length * 2)];
    int length = 0;
    InputStream in = socket.getInputStream();
    while (length < seen.length) {
      socket.setSoTimeout(Failures.millisLeft(deadline));
      int n = in.read(seen, length, seen.length - length);
      if (n < 0) {
        break;
      }
      length += n;
      if (Failures.contains(seen, length, expect)) {
        return ProbeResult.success("expected answer", started);
      }
    }
    return ProbeResult.failure("answer lacks the expected bytes", started);
  }
}
