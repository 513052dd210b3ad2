package io.gatun.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Fails the build when the checked-in {@code crds/} drift from what the Java model generates. */
class CrdsUpToDateTest {

  private static final String HOW_TO_FIX =
      "crds/ is out of date with the Java model: run `make crds` (or operator/update-crds.sh)"
          + " and commit the result";

  @Test
  void checkedInCrdsEqualTheGeneratedOnes() throws IOException {
    Map<String, String> generated =
        read(Path.of(System.getProperty("gatun.crds.generated")), "-v1.yml");
    Map<String, String> checkedIn = read(Path.of(System.getProperty("gatun.crds.dir")), ".yaml");

    assertThat(generated)
        .as("generated CRDs")
        .containsKeys("pools.lb.gatun.io", "loadbalancers.lb.gatun.io");
    assertThat(checkedIn.keySet()).as(HOW_TO_FIX).isEqualTo(generated.keySet());
    generated.forEach(
        (name, yaml) ->
            assertThat(checkedIn.get(name)).as(HOW_TO_FIX + " (" + name + ")").isEqualTo(yaml));
  }

  private static Map<String, String> read(Path directory, String suffix) throws IOException {
    var files = new TreeMap<String, String>();
    try (Stream<Path> paths = Files.list(directory)) {
      for (Path path :
          paths
              .filter(p -> p.getFileName().toString().endsWith(".lb.gatun.io" + suffix))
              .toList()) {
        String name = path.getFileName().toString();
        files.put(name.substring(0, name.length() - suffix.length()), Files.readString(path));
      }
    }
    return files;
  }
}
