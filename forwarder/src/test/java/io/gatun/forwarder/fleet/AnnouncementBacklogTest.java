package io.gatun.forwarder.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class AnnouncementBacklogTest {

  /** A data plane with room for {@code room} announcements at once, freed by the test. */
  private static final class Room implements AnnouncementBacklog.Sender {
    final AtomicInteger free;
    final List<InetAddress> sent = new CopyOnWriteArrayList<>();

    Room(int room) {
      free = new AtomicInteger(room);
    }

    @Override
    public boolean trySend(AnnouncementBacklog.Announcement a) {
      if (free.getAndUpdate(n -> n > 0 ? n - 1 : n) == 0) {
        return false;
      }
      sent.add(a.address());
      return true;
    }
  }

  @Test
  void announcementsWithoutRoomWaitAndGoOutInOrderAsRoomFreesUp() throws Exception {
    var room = new Room(2);
    var backlog = new AnnouncementBacklog(room);

    for (int i = 1; i <= 5; i++) {
      backlog.announce(announcement(i));
    }

    assertThat(room.sent).containsExactly(address(1), address(2));
    assertThat(backlog.waiting()).isEqualTo(3);
    room.free.set(10); // the first two finished
    awaitSent(room, 5);
    assertThat(room.sent)
        .containsExactly(address(1), address(2), address(3), address(4), address(5));
    assertThat(backlog.waiting()).isZero();
  }

  @Test
  void anAddressNoLongerOwnedIsNotAnnouncedLater() throws Exception {
    var room = new Room(1);
    var backlog = new AnnouncementBacklog(room);
    backlog.announce(announcement(1));
    backlog.announce(announcement(2));
    backlog.announce(announcement(3));

    backlog.ownedNow(List.of(address(1), address(3))); // 2 was lost meanwhile
    room.free.set(10);

    // Until the backlog drained, or something more than the two went out (which must not).
    await(() -> room.sent.size() >= 2 && (backlog.waiting() == 0 || room.sent.size() > 2));
    assertThat(room.sent).containsExactly(address(1), address(3));
    assertThat(backlog.waiting()).isZero();
  }

  /** Waits until {@code n} announcements went out. */
  private static void awaitSent(Room room, int n) throws InterruptedException {
    await(() -> room.sent.size() >= n);
  }

  /**
   * Waits until {@code done} holds, polling, with a bound generous for a busy machine (the backlog
   * retries every 20 ms); the assertions after it say what did not happen.
   */
  private static void await(BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  private static AnnouncementBacklog.Announcement announcement(int i) throws Exception {
    return new AnnouncementBacklog.Announcement(address(i), 3, Duration.ofMillis(100));
  }

  private static InetAddress address(int i) {
    try {
      return InetAddress.getByName("198.18.0." + i);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
