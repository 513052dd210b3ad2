package io.gatun.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.bundle.validation.BundleValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Fails the build when the checked-in olm-bundle/ or deploy/ differ from what the generator makes
 * of the current model, samples and RBAC: both are generated, never edited by hand.
 */
class GeneratedFilesUpToDateTest {

  static final String HOW_TO_FIX =
      "out of date with its sources (crds/, samples/, deploy/rbac.yaml, bundle/): run `make bundle`"
          + " and commit the result";

  static Project project() {
    return new Project(
        Path.of(System.getProperty("gatun.root")), System.getProperty("gatun.version"));
  }

  @Test
  void checkedInBundleEqualsTheGeneratedOne() {
    var project = project();
    SortedMap<String, String> generated = OlmBundle.files(project);
    SortedMap<String, String> checkedIn =
        BundleValidator.read(project.root().resolve(OlmBundle.DIR));

    assertThat(checkedIn.keySet())
        .as("olm-bundle/ files " + HOW_TO_FIX)
        .isEqualTo(generated.keySet());
    generated.forEach(
        (file, text) ->
            assertThat(checkedIn.get(file))
                .as("olm-bundle/" + file + " " + HOW_TO_FIX)
                .isEqualTo(text));
  }

  @Test
  void checkedInPlainManifestsEqualTheGeneratedOnes() throws Exception {
    var project = project();
    var checkedIn = new TreeMap<String, String>();
    for (String file : PlainManifests.files(project).keySet()) {
      Path path = project.root().resolve(PlainManifests.DIR).resolve(file);
      checkedIn.put(file, Files.exists(path) ? Files.readString(path) : "(missing)");
    }
    PlainManifests.files(project)
        .forEach(
            (file, text) ->
                assertThat(checkedIn.get(file))
                    .as("deploy/" + file + " " + HOW_TO_FIX)
                    .isEqualTo(text));
  }
}
