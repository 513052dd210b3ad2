package io.gatun.forwarder.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AdvertisementCodecTest {
  static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  static final byte[] MAC = HexFormat.of().parseHex("020000000001");

  private final AdvertisementCodec sender = new AdvertisementCodec(new FleetKey("prod", KEY));
  private final AdvertisementCodec receiver = new AdvertisementCodec(new FleetKey("prod", KEY));

  private static Advertisement ad(long sequence) {
    return new Advertisement("prod", "fwd-1", "node-a", 100, sequence, Duration.ofMillis(100));
  }

  @Test
  void roundTripsEveryFieldAndTheSendersMac() {
    byte[] frame = sender.encode(ad(42), MAC);

    assertThat(HexFormat.of().formatHex(Arrays.copyOfRange(frame, 0, 6))).isEqualTo("030047544e00");
    assertThat(ByteBuffer.wrap(frame, 12, 2).getShort() & 0xFFFF).isEqualTo(0x88B5);
    assertThat(receiver.decode(frame))
        .isEqualTo(new AdvertisementCodec.Accepted(ad(42), "02:00:00:00:00:01"));
  }

  @Test
  void aShortAdvertisementIsPaddedToEthernetsMinimumAndThePaddingIgnored() {
    Advertisement shortOne = new Advertisement("p", "a", "n", 7, 1, Duration.ofMillis(10));
    AdvertisementCodec codec = new AdvertisementCodec(new FleetKey("p", KEY));
    byte[] frame = codec.encode(shortOne, MAC);
    assertThat(frame.length).isGreaterThanOrEqualTo(60);

    byte[] longer = Arrays.copyOf(frame, frame.length + 20); // a NIC's padding
    assertThat(new AdvertisementCodec(new FleetKey("p", KEY)).decode(longer))
        .isEqualTo(new AdvertisementCodec.Accepted(shortOne, "02:00:00:00:00:01"));
  }

  @Test
  void readsPastAVlanTag() {
    byte[] frame = sender.encode(ad(1), MAC);
    byte[] tagged = new byte[frame.length + 4];
    System.arraycopy(frame, 0, tagged, 0, 12);
    tagged[12] = (byte) 0x81;
    tagged[14] = 0x00;
    tagged[15] = 0x0A; // VLAN 10
    System.arraycopy(frame, 12, tagged, 16, frame.length - 12);

    assertThat(receiver.decode(tagged)).isInstanceOf(AdvertisementCodec.Accepted.class);
  }

  @Test
  void carriesWhetherItsSenderIsStillListening() {
    Advertisement listening =
        new Advertisement("prod", "fwd-1", "node-a", 100, 3, Duration.ofMillis(100), true);
    assertThat(receiver.decode(sender.encode(listening, MAC)))
        .isEqualTo(new AdvertisementCodec.Accepted(listening, "02:00:00:00:00:01"));
  }

  @Test
  void aPriorityZeroAdvertisementSaysItsSenderIsLeaving() {
    Advertisement leaving =
        new Advertisement("prod", "fwd-1", "node-a", 0, 9, Duration.ofMillis(100));
    var decoded = (AdvertisementCodec.Accepted) receiver.decode(sender.encode(leaving, MAC));
    assertThat(decoded.advertisement().leaving()).isTrue();
  }

  @Test
  void malformedFramesAreRejectedAsSuch() {
    byte[] frame = sender.encode(ad(1), MAC);

    assertThat(reason(receiver.decode(Arrays.copyOf(frame, 10)))).isEqualTo(Rejection.MALFORMED);
    assertThat(reason(receiver.decode(Arrays.copyOf(frame, 30))))
        .as("cut inside the strings")
        .isEqualTo(Rejection.MALFORMED);
    byte[] otherType = frame.clone();
    otherType[13] = 0x00;
    assertThat(reason(receiver.decode(otherType))).isEqualTo(Rejection.MALFORMED);
    byte[] version2 = frame.clone();
    version2[14] = 2;
    assertThat(reason(receiver.decode(version2))).isEqualTo(Rejection.MALFORMED);
    byte[] overlong = frame.clone();
    overlong[27] = (byte) 0xFF; // cluster id length runs past the frame
    assertThat(reason(receiver.decode(overlong))).isEqualTo(Rejection.MALFORMED);
  }

  @Test
  void anotherClustersAdvertisementIsForeignWhateverItsKey() {
    AdvertisementCodec other = new AdvertisementCodec(new FleetKey("staging", KEY));
    Advertisement theirs =
        new Advertisement("staging", "fwd-9", "node-z", 100, 1, Duration.ofMillis(100));

    assertThat(reason(receiver.decode(other.encode(theirs, MAC))))
        .isEqualTo(Rejection.FOREIGN_CLUSTER);
  }

  @Test
  void aWrongKeyATamperedFieldOrAnotherSourceMacFailTheHmac() {
    byte[] otherKey = KEY.clone();
    otherKey[0] ^= 1;
    AdvertisementCodec forger = new AdvertisementCodec(new FleetKey("prod", otherKey));
    assertThat(reason(receiver.decode(forger.encode(ad(1), MAC)))).isEqualTo(Rejection.BAD_HMAC);

    byte[] frame = sender.encode(ad(2), MAC);
    byte[] higherPriority = frame.clone();
    higherPriority[15] = (byte) 255;
    assertThat(reason(receiver.decode(higherPriority))).isEqualTo(Rejection.BAD_HMAC);

    byte[] resentElsewhere = frame.clone();
    resentElsewhere[11] = 0x66;
    assertThat(reason(receiver.decode(resentElsewhere))).isEqualTo(Rejection.BAD_HMAC);

    assertThat(receiver.decode(frame))
        .as("none of those moved the sender's sequence")
        .isInstanceOf(AdvertisementCodec.Accepted.class);
  }

  @Test
  void aSequenceNumberIsAcceptedOncePerSender() {
    byte[] five = sender.encode(ad(5), MAC);
    assertThat(receiver.decode(five)).isInstanceOf(AdvertisementCodec.Accepted.class);

    assertThat(reason(receiver.decode(five))).isEqualTo(Rejection.REPLAY);
    assertThat(reason(receiver.decode(sender.encode(ad(4), MAC)))).isEqualTo(Rejection.REPLAY);
    assertThat(receiver.decode(sender.encode(ad(6), MAC)))
        .isInstanceOf(AdvertisementCodec.Accepted.class);
    Advertisement other =
        new Advertisement("prod", "fwd-2", "node-b", 100, 1, Duration.ofMillis(100));
    assertThat(receiver.decode(sender.encode(other, MAC)))
        .as("sequences are per sender")
        .isInstanceOf(AdvertisementCodec.Accepted.class);
  }

  @Test
  void refusesToSignAnotherClustersAdvertisementOrAnUnsendableName() {
    assertThatThrownBy(
            () ->
                sender.encode(
                    new Advertisement("staging", "a", "n", 1, 1, Duration.ofMillis(1)), MAC))
        .hasMessageContaining("staging");
    assertThatThrownBy(
            () ->
                sender.encode(
                    new Advertisement("prod", "x".repeat(256), "n", 1, 1, Duration.ofMillis(1)),
                    MAC))
        .hasMessageContaining("forwarder id");
  }

  @Test
  void keysAndClusterIdsAreCheckedWithTheFix() {
    assertThatThrownBy(() -> new FleetKey("prod", new byte[8]))
        .hasMessageContaining("8 bytes")
        .hasMessageContaining("--fleet-key-file");
    assertThatThrownBy(() -> new FleetKey("Prod_1", KEY)).hasMessageContaining("--cluster-id");
    assertThat(new FleetKey("prod", KEY).toString()).doesNotContain("0123");
  }

  private static Rejection reason(AdvertisementCodec.Decoded d) {
    assertThat(d).isInstanceOf(AdvertisementCodec.Rejected.class);
    return ((AdvertisementCodec.Rejected) d).reason();
  }
}
