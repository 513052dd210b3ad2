package io.gatun.forwarder.health.raw;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * A tiny SCTP endpoint on a raw socket for probe tests (the kernel here has no SCTP): INIT to a
 * listening port → INIT ACK with a state cookie; INIT to a refusing port → ABORT; anything else →
 * silence.
 */
public final class SctpResponder implements AutoCloseable {
  private final RawSocket socket;
  private final Set<Integer> listening;
  private final Set<Integer> refusing;
  private final Thread thread;
  private volatile boolean closed;

  public SctpResponder(Set<Integer> listening, Set<Integer> refusing) throws IOException {
    this.socket = RawSocket.open(SctpPackets.PROTOCOL, java.time.Duration.ofMillis(100));
    this.listening = listening;
    this.refusing = refusing;
    this.thread = Thread.ofPlatform().daemon().start(this::answer);
  }

  private void answer() {
    try {
      while (!closed) {
        byte[] ip = socket.receive();
        RawExchange.Packet p = ip == null ? null : RawExchange.parse(ip);
        if (p == null || p.payload().length < 32 || !SctpPackets.checksumOk(p.payload())) {
          continue;
        }
        byte[] in = p.payload();
        ByteBuffer b = ByteBuffer.wrap(in);
        int theirPort = Short.toUnsignedInt(b.getShort(0));
        int ourPort = Short.toUnsignedInt(b.getShort(2));
        if (SctpPackets.firstChunkType(in) != SctpPackets.INIT) {
          continue;
        }
        int theirTag = SctpPackets.initiateTag(in);
        if (listening.contains(ourPort)) {
          socket.send(p.source(), initAck(ourPort, theirPort, theirTag));
        } else if (refusing.contains(ourPort)) {
          socket.send(p.source(), SctpPackets.abort(ourPort, theirPort, theirTag));
        }
      }
    } catch (IOException e) {
      // closed
    } finally {
      socket.close();
    }
  }

  private static byte[] initAck(int ourPort, int theirPort, int theirTag) {
    ByteBuffer b = ByteBuffer.allocate(12 + 20 + 8);
    b.putShort((short) ourPort).putShort((short) theirPort).putInt(theirTag).putInt(0);
    b.put((byte) SctpPackets.INIT_ACK).put((byte) 0).putShort((short) 28);
    b.putInt(0x5eed5eed).putInt(65535).putShort((short) 1).putShort((short) 1).putInt(1);
    b.putShort((short) 7).putShort((short) 8).putInt(0xc00c1e); // state cookie parameter
    return SctpPackets.withChecksum(b.array());
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    thread.join(1000);
  }
}
