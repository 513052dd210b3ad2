package io.gatun.operator.tls;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the control channel's TLS Secrets when they are absent, so that installing the bundle (or
 * deploy/) is all a cluster needs: a CA kept in its own Secret, the operator's server certificate
 * (for its Service's name, which forwarders check) and the forwarders' client certificate, both
 * with {@code ca.crt}, as cert-manager writes them.
 *
 * <p>Secrets someone else provided are never replaced: when the operator's Secret exists nothing is
 * made; when only the forwarders' exists and the CA is not ours, the forwarders' certificate could
 * not be trusted by a server certificate from a new CA, so the operator refuses to start and says
 * which Secret to provide. Two replicas starting at once may both try: the one whose create loses
 * (409) reads the winner's.
 */
public final class ControlChannelSecrets {

  /** The CA's certificate and key: {@code tls.crt} and {@code tls.key}. */
  public static final String CA_SECRET = "gatun-control-ca";

  public static final String FORWARDER_SECRET = "gatun-forwarder-tls";

  static final String CERT = "tls.crt";
  static final String KEY = "tls.key";
  static final String CA = "ca.crt";

  /** Long enough not to expire under a running install; rotation is replacing the Secrets. */
  private static final Duration VALIDITY = Duration.ofDays(3650);

  private static final String MADE_BY = "lb.gatun.io/made-by";
  private static final Logger log = LoggerFactory.getLogger(ControlChannelSecrets.class);

  private final KubernetesClient client;
  private final String namespace;

  public ControlChannelSecrets(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /**
   * Ensures the operator's Secret {@code operatorSecret} exists (and, when it had to be made, the
   * forwarders' {@link #FORWARDER_SECRET} from the same CA).
   */
  public void ensure(String operatorSecret) {
    if (get(operatorSecret) != null) {
      return;
    }
    Secret forwarders = get(FORWARDER_SECRET);
    Secret caSecret = get(CA_SECRET);
    if (forwarders != null && caSecret == null) {
      throw new IllegalStateException(
          "the Secret "
              + namespace
              + "/"
              + operatorSecret
              + " does not exist but "
              + namespace
              + "/"
              + FORWARDER_SECRET
              + " does, from a CA the operator does not hold: provide "
              + operatorSecret
              + " (tls.crt for gatun-operator."
              + namespace
              + ".svc, tls.key, ca.crt) from that CA, or delete "
              + FORWARDER_SECRET
              + " so that the operator makes both");
    }
    Certificates.Issued ca = caSecret == null ? createCa() : read(caSecret);
    String caPem = ca.certificatePem();
    String service = "gatun-operator." + namespace + ".svc";
    var server =
        Certificates.issue(
            ca,
            "gatun-operator",
            Certificates.Role.SERVER,
            List.of(service, service + ".cluster.local"),
            VALIDITY);
    create(operatorSecret, tls(server, caPem));
    if (forwarders == null) {
      var forwarder =
          Certificates.issue(ca, "gatun-forwarder", Certificates.Role.CLIENT, List.of(), VALIDITY);
      create(FORWARDER_SECRET, tls(forwarder, caPem));
    }
  }

  private Certificates.Issued createCa() {
    var ca = Certificates.authority("gatun-control-ca." + namespace, VALIDITY);
    var data = new LinkedHashMap<String, String>();
    data.put(CERT, ca.certificatePem());
    data.put(KEY, ca.keyPem());
    if (create(CA_SECRET, data)) {
      return ca;
    }
    return read(get(CA_SECRET)); // another replica made it first
  }

  private static Map<String, String> tls(Certificates.Issued issued, String caPem) {
    var data = new LinkedHashMap<String, String>();
    data.put(CERT, issued.certificatePem());
    data.put(KEY, issued.keyPem());
    data.put(CA, caPem);
    return data;
  }

  private Certificates.Issued read(Secret secret) {
    return Certificates.parse(value(secret, CERT), value(secret, KEY));
  }

  private static String value(Secret secret, String key) {
    String encoded = secret.getData() == null ? null : secret.getData().get(key);
    if (encoded == null) {
      throw new IllegalStateException(
          "the Secret " + secret.getMetadata().getName() + " has no " + key);
    }
    return new String(Base64.getDecoder().decode(encoded), StandardCharsets.US_ASCII);
  }

  private Secret get(String name) {
    return client.secrets().inNamespace(namespace).withName(name).get();
  }

  /** False when it already existed (another replica was faster). */
  private boolean create(String name, Map<String, String> data) {
    Base64.Encoder b64 = Base64.getEncoder();
    var encoded = new LinkedHashMap<String, String>();
    data.forEach(
        (k, v) -> encoded.put(k, b64.encodeToString(v.getBytes(StandardCharsets.US_ASCII))));
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .withLabels(Map.of(MADE_BY, "gatun-operator"))
            .endMetadata()
            .withType(data.containsKey(CA) ? "kubernetes.io/tls" : "Opaque")
            .withData(encoded)
            .build();
    try {
      client.secrets().inNamespace(namespace).resource(secret).create();
      log.info("Made the control channel's Secret {}/{}", namespace, name);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return false;
      }
      throw e;
    }
  }
}
