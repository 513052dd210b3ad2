package io.gatun.operator.tls;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The few DER (X.690) encodings an X.509 certificate is made of. Each method returns one complete
 * TLV; {@link #sequence} and friends wrap already encoded values. The JDK can sign and parse
 * certificates but has no public API to build one, and a library for a dozen tags is not worth its
 * weight in the operator's image.
 */
final class Der {

  private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
  private static final DateTimeFormatter GENERALIZED_TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'");

  private Der() {}

  static byte[] sequence(byte[]... values) {
    return tlv(0x30, concat(values));
  }

  static byte[] set(byte[]... values) {
    return tlv(0x31, concat(values));
  }

  /** A context-specific constructed (EXPLICIT) tag [n] around {@code value}. */
  static byte[] explicit(int n, byte[] value) {
    return tlv(0xa0 | n, value);
  }

  /** A context-specific primitive (IMPLICIT) tag [n] with these contents. */
  static byte[] implicit(int n, byte[] contents) {
    return tlv(0x80 | n, contents);
  }

  static byte[] integer(BigInteger value) {
    return tlv(0x02, value.toByteArray()); // two's complement, minimal: what DER wants
  }

  static byte[] bool(boolean value) {
    return tlv(0x01, new byte[] {(byte) (value ? 0xff : 0x00)});
  }

  static byte[] nul() {
    return new byte[] {0x05, 0x00};
  }

  static byte[] octetString(byte[] contents) {
    return tlv(0x04, contents);
  }

  /** A BIT STRING of whole bytes, or of {@code unusedBits} fewer bits in its last byte. */
  static byte[] bitString(int unusedBits, byte[] bits) {
    byte[] contents = new byte[bits.length + 1];
    contents[0] = (byte) unusedBits;
    System.arraycopy(bits, 0, contents, 1, bits.length);
    return tlv(0x03, contents);
  }

  static byte[] utf8(String text) {
    return tlv(0x0c, text.getBytes(StandardCharsets.UTF_8));
  }

  /** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
  static byte[] time(ZonedDateTime when) {
    ZonedDateTime utc = when.withZoneSameInstant(ZoneOffset.UTC).withNano(0);
    return utc.getYear() < 2050
        ? tlv(0x17, UTC_TIME.format(utc).getBytes(StandardCharsets.US_ASCII))
        : tlv(0x18, GENERALIZED_TIME.format(utc).getBytes(StandardCharsets.US_ASCII));
  }

  /** An OBJECT IDENTIFIER from its dotted form. */
  static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    var out = new ByteArrayOutputStream();
    base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
    for (int i = 2; i < arcs.length; i++) {
      base128(out, Long.parseLong(arcs[i]));
    }
    return tlv(0x06, out.toByteArray());
  }

  private static void base128(ByteArrayOutputStream out, long value) {
    int groups = 1;
    for (long v = value >>> 7; v != 0; v >>>= 7) {
      groups++;
    }
    for (int g = groups - 1; g >= 0; g--) {
      int seven = (int) ((value >>> (7 * g)) & 0x7f);
      out.write(g == 0 ? seven : seven | 0x80);
    }
  }

  static byte[] tlv(int tag, byte[] contents) {
    var out = new ByteArrayOutputStream(contents.length + 6);
    out.write(tag);
    int length = contents.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    out.writeBytes(contents);
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    var out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
