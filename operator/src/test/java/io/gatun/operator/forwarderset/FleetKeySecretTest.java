package io.gatun.operator.forwarderset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;

class FleetKeySecretTest {

  @Test
  void theFingerprintFollowsTheKeyAndTheClusterIdAndRevealsNeither() {
    var a = FleetKeySecret.ref(secret("0123456789abcdef0123456789abcdef", "gatun-prod"));
    var b = FleetKeySecret.ref(secret("0123456789abcdef0123456789abcdeX", "gatun-prod"));
    var c = FleetKeySecret.ref(secret("0123456789abcdef0123456789abcdef", "gatun-test"));
    assertThat(a.fingerprint())
        .hasSize(16)
        .isNotEqualTo(b.fingerprint())
        .isNotEqualTo(c.fingerprint());
    assertThat(a)
        .isEqualTo(FleetKeySecret.ref(secret("0123456789abcdef0123456789abcdef", "gatun-prod")));
    assertThat(a.secretName()).isEqualTo("gatun-fleet-key");
  }

  @Test
  void aSecretThatCannotWorkIsRefusedNamingTheFieldAndTheFix() {
    assertThatThrownBy(() -> FleetKeySecret.ref(secret("short", "gatun-prod")))
        .hasMessage(
            "the Secret gatun-system/gatun-fleet-key needs data.key of at least 16 bytes (the"
                + " fleet's HMAC key): write 32 random bytes, or delete the Secret and the operator"
                + " makes one");
    assertThatThrownBy(() -> FleetKeySecret.ref(secret("0123456789abcdef0123", "Prod_1")))
        .hasMessageContaining("needs data.cluster-id: lower-case letters")
        .hasMessageContaining("(it is 'Prod_1')");
  }

  private static Secret secret(String key, String clusterId) {
    var data = new LinkedHashMap<String, String>();
    data.put("key", b64(key));
    data.put("cluster-id", b64(clusterId));
    return new SecretBuilder()
        .withNewMetadata()
        .withName("gatun-fleet-key")
        .withNamespace("gatun-system")
        .endMetadata()
        .withData(data)
        .build();
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }
}
