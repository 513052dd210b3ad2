package io.gatun.operator.forwarderset;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.operator.api.DataPort;
import io.gatun.operator.api.Eal;
import io.gatun.operator.api.ForwarderResources;
import io.gatun.operator.api.Hugepages;
import io.gatun.operator.api.VirtualFunction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForwarderSetValidatorTest {

  private final ForwarderSetValidator validator = new ForwarderSetValidator(ForwarderSets.SCHEMA);

  @Test
  void theDefaultsAreValid() {
    assertThat(validator.validate(ForwarderSets.stored(ForwarderSets.onInterface("eth1"))).valid())
        .isTrue();
  }

  @Test
  void bothOrNeitherPortIsRefusedByTheCelRule() {
    var both =
        ForwarderSets.spec(
            new DataPort(
                "eth1",
                new VirtualFunction("intel.com/vf"),
                Map.of("n", List.of("198.18.0.2/24"))));
    assertThat(validator.validate(ForwarderSets.stored(both)).message())
        .contains("set exactly one of interfaceName");
    var neither =
        ForwarderSets.spec(new DataPort(null, null, Map.of("n", List.of("198.18.0.2/24"))));
    assertThat(validator.validate(ForwarderSets.stored(neither)).valid()).isFalse();
  }

  @Test
  void everyBadAddressIsNamedByNodeWithHowToWriteIt() {
    var spec =
        ForwarderSets.spec(
            new DataPort(
                "eth1",
                null,
                Map.of(
                    "node-a", List.of("198.18.0.2"),
                    "node-b", List.of("198.18.0.3/24", "198.18.0.4/24"),
                    "node-c", List.of("2001:2::2/64@198.18.0.1"),
                    "node-d", List.of())));
    var validation = validator.validate(ForwarderSets.stored(spec));
    assertThat(validation.invalid())
        .anyMatch(
            m -> m.startsWith("spec.dataPort.addresses[node-a]") && m.contains("198.18.0.2/24"))
        .anyMatch(
            m -> m.startsWith("spec.dataPort.addresses[node-b]") && m.contains("one per family"))
        .anyMatch(
            m -> m.startsWith("spec.dataPort.addresses[node-c]") && m.contains("other family"))
        .anyMatch(m -> m.startsWith("spec.dataPort.addresses[node-d]") && m.contains("is empty"))
        .hasSize(4);
  }

  @Test
  void sizesThatCannotWorkTogetherAreRefusedWithTheFix() {
    var spec =
        ForwarderSets.withResources(
            ForwarderSets.withEal(
                ForwarderSets.withHugepages(
                    ForwarderSets.onInterface("eth1"), new Hugepages("1Gi", "1536Mi")),
                new Eal("0-3", 2048, null)),
            new ForwarderResources("2", "1Gi"));
    var problems = validator.validate(ForwarderSets.stored(spec)).invalid();
    assertThat(problems)
        .anyMatch(m -> m.contains("spec.hugepages.amount 1536Mi is not a whole number of 1Gi"))
        .anyMatch(m -> m.contains("spec.eal.memoryMegabytes 2048 is more than"))
        .anyMatch(m -> m.contains("raise spec.resources.cpu to 4"));
  }

  @Test
  void millicoresShareCpusAndAreNotCountedAgainstTheLcores() {
    var shared =
        ForwarderSets.withResources(
            ForwarderSets.withEal(ForwarderSets.onInterface("eth1"), new Eal("0-1", 512, null)),
            new ForwarderResources("1500m", "768Mi"));
    assertThat(validator.validate(ForwarderSets.stored(shared)).valid()).isTrue();
    var bad =
        ForwarderSets.withResources(
            ForwarderSets.onInterface("eth1"), new ForwarderResources("1.5", "768Mi"));
    assertThat(validator.validate(ForwarderSets.stored(bad)).message())
        .contains("spec.resources.cpu");
  }

  @Test
  void lcoreListsAreCounted() {
    assertThat(ForwarderSetValidator.countCpus("0-1")).isEqualTo(2);
    assertThat(ForwarderSetValidator.countCpus("2,4-6,9")).isEqualTo(5);
  }
}
