package io.gatun.forwarder.health.raw;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request / reply over one raw socket shared by every probe of a protocol: probes send from their
 * virtual threads and wait on a future; one platform thread receives (a blocking native call would
 * pin a virtual thread's carrier) and completes the future whose key the reply carries.
 */
public final class RawExchange implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RawExchange.class);
  private static final Duration POLL = Duration.ofMillis(200);

  /** What the reader knows of a received packet. */
  public record Packet(Inet4Address source, byte[] payload) {}

  /** Names the exchange a reply belongs to; {@code null} for packets no probe waits for. */
  @FunctionalInterface
  public interface ReplyKey {
    Object of(Packet packet);
  }

  private final RawSocket socket;
  private final ReplyKey replyKey;
  private final Map<Object, CompletableFuture<Packet>> waiting = new ConcurrentHashMap<>();
  private final Thread reader;
  private volatile boolean closed;

  private RawExchange(RawSocket socket, ReplyKey replyKey, String name) {
    this.socket = socket;
    this.replyKey = replyKey;
    this.reader = Thread.ofPlatform().daemon().name(name).start(this::readUntilClosed);
  }

  /** Opens the raw socket for {@code protocol} (1 = ICMP, 132 = SCTP); needs CAP_NET_RAW. */
  public static RawExchange open(int protocol, ReplyKey replyKey) throws IOException {
    return new RawExchange(RawSocket.open(protocol, POLL), replyKey, "raw-reader-" + protocol);
  }

  /** Sends {@code packet} and waits until the reply keyed {@code key} arrives or time runs out. */
  public Packet exchange(Inet4Address to, byte[] packet, Object key, Duration timeout)
      throws IOException, TimeoutException, InterruptedException {
    CompletableFuture<Packet> reply = new CompletableFuture<>();
    if (waiting.putIfAbsent(key, reply) != null) {
      throw new IllegalStateException("two probes wait for " + key);
    }
    try {
      socket.send(to, packet);
      return reply.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause());
    } finally {
      waiting.remove(key);
    }
  }

  /** Sends without waiting for anything (e.g. an SCTP ABORT closing a probe politely). */
  public void send(Inet4Address to, byte[] packet) throws IOException {
    socket.send(to, packet);
  }

  private void readUntilClosed() {
    try {
      while (!closed) {
        byte[] ip = socket.receive();
        if (ip != null) {
          deliver(ip);
        }
      }
    } catch (IOException | RuntimeException e) {
      log.warn("raw socket reader stopped: {}", e.toString());
      waiting.values().forEach(f -> f.completeExceptionally(e));
    } finally {
      socket.close();
    }
  }

  private void deliver(byte[] ip) {
    Packet packet = parse(ip);
    if (packet == null) {
      return;
    }
    Object key = replyKey.of(packet);
    CompletableFuture<Packet> f = key == null ? null : waiting.get(key);
    if (f != null) {
      f.complete(packet);
    }
  }

  /** An IPv4 packet's source and payload; {@code null} if it is not a whole IPv4 packet. */
  static Packet parse(byte[] ip) {
    if (ip.length < 20 || (ip[0] >> 4) != 4) {
      return null;
    }
    int headerLength = (ip[0] & 0x0f) * 4;
    int totalLength = Math.min(ip.length, ((ip[2] & 0xff) << 8) | (ip[3] & 0xff));
    if (headerLength < 20 || totalLength < headerLength) {
      return null;
    }
    try {
      Inet4Address source = (Inet4Address) InetAddress.getByAddress(Arrays.copyOfRange(ip, 12, 16));
      return new Packet(source, Arrays.copyOfRange(ip, headerLength, totalLength));
    } catch (UnknownHostException e) {
      return null; // four bytes are always an address
    }
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    reader.join(POLL.multipliedBy(5));
  }
}
