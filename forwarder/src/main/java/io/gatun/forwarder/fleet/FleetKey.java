package io.gatun.forwarder.fleet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may take part in a fleet: the cluster's identity (sent in clear, so two clusters on one
 * segment tell their advertisements apart) and the HMAC-SHA256 key every advertisement is signed
 * with (a Secret mounted as a file, as MetalLB's memberlist secret is).
 */
public final class FleetKey {
  /** Shorter keys are refused: HMAC-SHA256 wants at least 128 bits to be worth it. */
  static final int MIN_KEY_BYTES = 16;

  private static final Pattern CLUSTER_ID = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?");

  private final String clusterId;
  private final SecretKeySpec key;

  public FleetKey(String clusterId, byte[] key) {
    if (clusterId == null || !CLUSTER_ID.matcher(clusterId).matches()) {
      throw new IllegalArgumentException(
          "--cluster-id \""
              + clusterId
              + "\" is not a valid cluster id: use 1-63 lower-case letters, digits, '.' or '-',"
              + " starting and ending with a letter or digit");
    }
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "the fleet key has "
              + key.length
              + " bytes: write at least "
              + MIN_KEY_BYTES
              + " random bytes to --fleet-key-file (e.g. head -c 32 /dev/urandom | base64)");
    }
    this.clusterId = clusterId;
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
  }

  /** The key file's bytes, one trailing newline dropped (a Secret written by hand has one). */
  public static FleetKey read(String clusterId, Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(
          "--fleet-key-file " + file + " does not exist (mount the fleet key Secret there)");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--fleet-key-file " + file + " cannot be read: " + e.getMessage(), e);
    }
    int n = bytes.length;
    if (n > 0 && bytes[n - 1] == '\n') {
      n--;
    }
    if (n > 0 && bytes[n - 1] == '\r') {
      n--;
    }
    byte[] key = Arrays.copyOf(bytes, n);
    try {
      return new FleetKey(clusterId, key);
    } finally {
      Arrays.fill(bytes, (byte) 0);
      Arrays.fill(key, (byte) 0);
    }
  }

  public String clusterId() {
    return clusterId;
  }

  byte[] clusterIdBytes() {
    return clusterId.getBytes(StandardCharsets.US_ASCII);
  }

  /** HMAC-SHA256 of {@code parts}, in order. */
  byte[] sign(byte[]... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      for (byte[] part : parts) {
        mac.update(part);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no HmacSHA256", e);
    }
  }

  @Override
  public String toString() {
    return "FleetKey[cluster " + clusterId + "]"; // never the key
  }
}
