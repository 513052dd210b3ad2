package io.gatun.forwarder.health;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;

/**
 * Sends the {@code send} payload in one datagram and waits for an answer containing {@code expect}
 * (any answer when empty). A connected socket, so an ICMP port-unreachable fails it at once instead
 * of at the timeout. Without a {@code send} payload it sends one newline: the JDK does not send
 * empty datagrams.
 */
final class UdpProbe implements Probe {
  private static final int MAX_DATAGRAM = 65_535;
  private static final byte[] DEFAULT_PAYLOAD = {'\n'};

  @Override
  public ProbeResult check(InetSocketAddress target, HealthCheckSpec spec) {
    long started = System.nanoTime();
    long deadline = started + spec.timeout().toNanos();
    byte[] expect = spec.expect();
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.connect(target);
      byte[] send = spec.send().length == 0 ? DEFAULT_PAYLOAD : spec.send();
      socket.send(new DatagramPacket(send, send.length));
      byte[] buffer = new byte[MAX_DATAGRAM];
      socket.setSoTimeout(Failures.millisLeft(deadline));
      DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
      socket.receive(answer); // a connected socket only hears from the target
      return Failures.contains(buffer, answer.getLength(), expect)
          ? ProbeResult.success("answered", started)
          : ProbeResult.failure("answer lacks the expected bytes", started);
    } catch (IOException e) {
      return ProbeResult.failure(Failures.describe(e, spec.timeout()), started);
    }
  }
}
