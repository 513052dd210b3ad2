package io.gatun.forwarder.health.raw;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.time.Duration;

/**
 * An IPv4 raw socket for one IP protocol (ICMP, SCTP): the kernel writes the IP header on the way
 * out and hands every packet of that protocol, IP header included, to {@link #receive}. Needs
 * CAP_NET_RAW. Sends may come from any thread; receives from one thread only.
 */
final class RawSocket implements AutoCloseable {
  private static final int SOCKADDR_IN_SIZE = 16;

  private final int fd;
  private final int protocol;
  private final Arena receiveArena = Arena.ofShared();
  private final MemorySegment receiveBuffer;
  private final MemorySegment receiveErrno;

  private RawSocket(int fd, int protocol, int maxPacket) {
    this.fd = fd;
    this.protocol = protocol;
    this.receiveBuffer = receiveArena.allocate(maxPacket);
    this.receiveErrno = Libc.errnoSlot(receiveArena);
  }

  static RawSocket open(int protocol, Duration receiveTimeout) throws IOException {
    int fd;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment errno = Libc.errnoSlot(arena);
      fd = (int) invoke(Libc.SOCKET, errno, Libc.AF_INET, Libc.SOCK_RAW, protocol);
      if (fd < 0) {
        throw new IOException(
            "raw socket for IP protocol " + protocol + ": " + Libc.describe(Libc.errno(errno)));
      }
      // struct timeval { long tv_sec; long tv_usec; }: lets the reader notice close()
      MemorySegment timeval = arena.allocate(ValueLayout.JAVA_LONG, 2);
      timeval.setAtIndex(ValueLayout.JAVA_LONG, 0, receiveTimeout.toSeconds());
      timeval.setAtIndex(ValueLayout.JAVA_LONG, 1, receiveTimeout.toMillisPart() * 1000L);
      int rc =
          (int)
              invoke(
                  Libc.SETSOCKOPT,
                  errno,
                  fd,
                  Libc.SOL_SOCKET,
                  Libc.SO_RCVTIMEO,
                  timeval,
                  (int) timeval.byteSize());
      if (rc < 0) {
        int e = Libc.errno(errno);
        invoke(Libc.CLOSE, errno, fd);
        throw new IOException("SO_RCVTIMEO on a raw socket: " + Libc.describe(e));
      }
    }
    return new RawSocket(fd, protocol, 65_536);
  }

  /** Sends one packet (the IP payload: ICMP message, SCTP packet) to {@code destination}. */
  void send(Inet4Address destination, byte[] payload) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment errno = Libc.errnoSlot(arena);
      MemorySegment buffer = arena.allocateFrom(ValueLayout.JAVA_BYTE, payload);
      // struct sockaddr_in { sa_family_t family; in_port_t port; struct in_addr addr; char zero[8];
      // }
      MemorySegment address = arena.allocate(SOCKADDR_IN_SIZE);
      address.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET);
      MemorySegment.copy(destination.getAddress(), 0, address, ValueLayout.JAVA_BYTE, 4, 4);
      long sent =
          (long)
              invoke(
                  Libc.SENDTO,
                  errno,
                  fd,
                  buffer,
                  (long) payload.length,
                  0,
                  address,
                  SOCKADDR_IN_SIZE);
      if (sent < 0) {
        throw new IOException(
            "send to " + destination.getHostAddress() + ": " + Libc.describe(Libc.errno(errno)));
      }
    }
  }

  /**
   * The next packet of this protocol, IP header included, or {@code null} when the receive timeout
   * passed first. One thread only.
   */
  byte[] receive() throws IOException {
    while (true) {
      long n =
          (long) invoke(Libc.RECV, receiveErrno, fd, receiveBuffer, receiveBuffer.byteSize(), 0);
      if (n >= 0) {
        return receiveBuffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
      }
      int e = Libc.errno(receiveErrno);
      if (e == Libc.EAGAIN) {
        return null;
      }
      if (e != Libc.EINTR) {
        throw new IOException("receive on raw socket " + protocol + ": " + Libc.describe(e));
      }
    }
  }

  @Override
  public void close() {
    try (Arena arena = Arena.ofConfined()) {
      invoke(Libc.CLOSE, Libc.errnoSlot(arena), fd);
    }
    receiveArena.close();
  }

  /** The one place a downcall's {@code Throwable} is unwrapped. */
  private static Object invoke(java.lang.invoke.MethodHandle handle, Object... args) {
    try {
      return handle.invokeWithArguments(args);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("libc call failed", t);
    }
  }
}
