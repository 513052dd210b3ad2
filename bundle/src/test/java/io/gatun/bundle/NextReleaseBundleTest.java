package io.gatun.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.bundle.validation.BundleValidator;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The bundle of a later release, as NodeUpgradeE2E installs it over the checked-in one: it names
 * the CSV it replaces, keeps the skip range, runs the new release's images (operator and, through
 * {@code --forwarder-image}, the forwarders) and breaks none of OLM's rules.
 */
class NextReleaseBundleTest {

  private static final Path ROOT = Path.of(System.getProperty("gatun.root"));

  @Test
  void aLaterReleaseReplacesTheEarlierCsvAndRunsItsOwnImages() {
    var next = new Project(ROOT, "0.2.0", "0.1.0-SNAPSHOT");
    var csv = ClusterServiceVersions.build(next);

    assertThat(csv.getMetadata().getName()).isEqualTo("gatun-operator.v0.2.0");
    assertThat(csv.getSpec().getReplaces()).isEqualTo("gatun-operator.v0.1.0");
    assertThat(csv.getMetadata().getAnnotations()).containsEntry("olm.skipRange", ">=0.0.0 <0.2.0");
    var container =
        csv.getSpec()
            .getInstall()
            .getSpec()
            .getDeployments()
            .getFirst()
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .getFirst();
    assertThat(container.getImage()).isEqualTo("docker.io/gatun/operator:0.2.0");
    assertThat(String.join(" ", container.getArgs()))
        .contains("--forwarder-image docker.io/gatun/forwarder:0.2.0")
        .contains("--frr-image docker.io/gatun/frr:0.2.0");
    assertThat(csv.getSpec().getRelatedImages())
        .extracting(i -> i.getImage())
        .contains("docker.io/gatun/frr:0.2.0");
    // Only the leader is ready: a rolling update that waited for the new pod would never end.
    var strategy =
        csv.getSpec().getInstall().getSpec().getDeployments().getFirst().getSpec().getStrategy();
    assertThat(strategy.getRollingUpdate().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(BundleValidator.validate(OlmBundle.files(next))).isEmpty();
  }

  @Test
  void theFirstReleaseReplacesNothing() {
    var first = new Project(ROOT, "0.1.0-SNAPSHOT");
    assertThat(ClusterServiceVersions.build(first).getSpec().getReplaces()).isNull();
  }
}
