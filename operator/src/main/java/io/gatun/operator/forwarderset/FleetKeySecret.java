package io.gatun.operator.forwarderset;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's shared secret (issue 12 item 8): the key the forwarders sign their advertisements
 * with (HMAC-SHA256) and the cluster id that keeps two clusters on one segment apart, in the Secret
 * {@value #NAME} of the ForwarderSet's namespace, made by the operator when absent, like MetalLB's
 * memberlist Secret: {@value #KEY} is 32 random bytes written as 64 hex digits (a file a forwarder
 * reads whole, with no trailing newline to trip on), {@value #CLUSTER_ID} is {@code gatun-} and 12
 * random hex digits.
 *
 * <p>A Secret someone provided is used as it is. Rotation is replacing its data: the fingerprint
 * changes, so does the rendered pod template, and the DaemonSet rolls (forwarders on the old and
 * the new key do not hear each other while it rolls: each answers for what it thinks it owns).
 */
final class FleetKeySecret {

  static final String NAME = "gatun-fleet-key";
  static final String KEY = "key";
  static final String CLUSTER_ID = "cluster-id";

  /** The forwarder's own rule (FleetKey): a DNS label-like name. */
  private static final Pattern CLUSTER_ID_PATTERN =
      Pattern.compile("[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?");

  private static final int MIN_KEY_BYTES = 16;
  private static final String MADE_BY = "lb.gatun.io/made-by";
  private static final Logger log = LoggerFactory.getLogger(FleetKeySecret.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * What the DaemonSet needs of the Secret.
   *
   * @param fingerprint changes whenever the key or the cluster id does (never reveals them)
   */
  record Ref(String secretName, String fingerprint) {}

  private FleetKeySecret() {}

  /** The Secret of {@code namespace}, made when absent; refuses one that cannot work. */
  static Ref ensure(KubernetesClient client, String namespace) {
    Secret secret = client.secrets().inNamespace(namespace).withName(NAME).get();
    if (secret == null) {
      secret = create(client, namespace);
    }
    return ref(secret);
  }

  static Ref ref(Secret secret) {
    String where = secret.getMetadata().getNamespace() + "/" + NAME;
    byte[] key = value(secret, KEY);
    byte[] clusterId = value(secret, CLUSTER_ID);
    if (key == null || key.length < MIN_KEY_BYTES) {
      throw new IllegalStateException(
          "the Secret "
              + where
              + " needs data."
              + KEY
              + " of at least "
              + MIN_KEY_BYTES
              + " bytes (the fleet's HMAC key): write 32 random bytes, or delete the Secret and"
              + " the operator makes one");
    }
    String id = clusterId == null ? "" : new String(clusterId, StandardCharsets.US_ASCII).strip();
    if (!CLUSTER_ID_PATTERN.matcher(id).matches()) {
      throw new IllegalStateException(
          "the Secret "
              + where
              + " needs data."
              + CLUSTER_ID
              + ": lower-case letters, digits, '.' and '-', at most 63, e.g. gatun-prod-1 (it is '"
              + id
              + "')");
    }
    return new Ref(NAME, fingerprint(key, clusterId));
  }

  private static Secret create(KubernetesClient client, String namespace) {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    byte[] id = new byte[6];
    RANDOM.nextBytes(id);
    var data = new LinkedHashMap<String, String>();
    data.put(KEY, base64(HexFormat.of().formatHex(key)));
    data.put(CLUSTER_ID, base64("gatun-" + HexFormat.of().formatHex(id)));
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName(NAME)
            .withNamespace(namespace)
            .withLabels(Map.of(MADE_BY, "gatun-operator"))
            .endMetadata()
            .withType("Opaque")
            .withData(data)
            .build();
    try {
      Secret made = client.secrets().inNamespace(namespace).resource(secret).create();
      log.info("Made the fleet key Secret {}/{}", namespace, NAME);
      return made;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return client.secrets().inNamespace(namespace).withName(NAME).get(); // another replica
      }
      throw e;
    }
  }

  private static byte[] value(Secret secret, String name) {
    String encoded = secret.getData() == null ? null : secret.getData().get(name);
    if (encoded != null) {
      return Base64.getDecoder().decode(encoded);
    }
    String plain = secret.getStringData() == null ? null : secret.getStringData().get(name);
    return plain == null ? null : plain.getBytes(StandardCharsets.UTF_8);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  private static String fingerprint(byte[] key, byte[] clusterId) {
    try {
      var sha = MessageDigest.getInstance("SHA-256");
      sha.update("gatun-fleet-key-fingerprint".getBytes(StandardCharsets.US_ASCII));
      sha.update(key);
      sha.update((byte) 0);
      sha.update(clusterId);
      return HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
