package io.gatun.operator.healthprobe;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gatun.control.v1.HealthCheck;
import io.gatun.control.v1.PassiveCheck;
import io.gatun.operator.api.HealthProbe;
import io.gatun.operator.api.HealthProbeSpec;
import io.gatun.operator.api.PassiveHealth;
import io.gatun.operator.api.ProbeType;
import org.junit.jupiter.api.Test;

/** The passive settings go to the forwarders with every default resolved, as the CRD documents. */
class HealthChecksTest {

  private static HealthProbe probe(ProbeType type, PassiveHealth passive) {
    var probe = new HealthProbe();
    probe.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName("web").build());
    probe.setSpec(
        new HealthProbeSpec(type, null, null, null, null, null, null, null, null, passive));
    return probe;
  }

  @Test
  void passiveDefaultsAreResolved() {
    HealthCheck check =
        HealthChecks.of(probe(ProbeType.PASSIVE, new PassiveHealth(null, null, null, null)));

    assertThat(check.getType()).isEqualTo(HealthCheck.Type.PASSIVE);
    assertThat(check.getPassive())
        .isEqualTo(
            PassiveCheck.newBuilder()
                .setConsecutiveFailures(3)
                .setWindowMillis(2000)
                .setEjectionTimeMillis(30000)
                .setMaxEjectedPercent(50)
                .build());
  }

  @Test
  void passiveSettingsGivenAreSentAsGiven() {
    HealthCheck check = HealthChecks.of(probe(ProbeType.TCP, new PassiveHealth(5, 500, 1000, 100)));

    assertThat(check.getType()).isEqualTo(HealthCheck.Type.TCP);
    assertThat(check.getPassive().getConsecutiveFailures()).isEqualTo(5);
    assertThat(check.getPassive().getWindowMillis()).isEqualTo(500);
    assertThat(check.getPassive().getEjectionTimeMillis()).isEqualTo(1000);
    assertThat(check.getPassive().getMaxEjectedPercent()).isEqualTo(100);
  }

  @Test
  void withoutPassiveSettingsNoneAreSent() {
    assertThat(HealthChecks.of(probe(ProbeType.TCP, null)).hasPassive()).isFalse();
  }
}
