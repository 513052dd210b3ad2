package io.gatun.bundle;

import io.gatun.bundle.validation.BundleValidator;
import io.gatun.bundle.validation.Violation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes olm-bundle/ and the generated files of deploy/ ({@code make bundle}); refuses, naming the
 * rule, when the bundle breaks one of OLM's. The build's GeneratedFilesUpToDateTest fails when the
 * checked-in files differ from what this writes.
 *
 * <pre>Generate ROOT VERSION [REPLACED_VERSION]</pre>
 *
 * <p>REPLACED_VERSION, for a release that upgrades an earlier one in place, becomes the CSV's
 * {@code spec.replaces}.
 */
public final class Generate {

  private Generate() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2 && args.length != 3) {
      System.err.println("usage: Generate ROOT VERSION [REPLACED_VERSION]");
      System.exit(2);
    }
    var project =
        new Project(
            Path.of(args[0]).toAbsolutePath().normalize(),
            args[1],
            args.length == 3 && !args[2].isBlank() ? args[2] : null);
    var bundle = OlmBundle.files(project);
    List<Violation> violations = BundleValidator.validate(bundle);
    if (!violations.isEmpty()) {
      violations.forEach(v -> System.err.println("bundle: " + v));
      System.exit(1);
    }
    Path bundleDir = project.root().resolve(OlmBundle.DIR);
    deleteTree(bundleDir);
    write(bundleDir, bundle);
    write(project.root().resolve(PlainManifests.DIR), PlainManifests.files(project));
    System.out.printf(
        "%s/ and %s/ written; bundle size %,d bytes gzip+base64 (OLM's limit: 1 MiB)%n",
        OlmBundle.DIR, PlainManifests.DIR, BundleValidator.size(bundle));
  }

  private static void write(Path directory, Map<String, String> files) throws IOException {
    for (var file : files.entrySet()) {
      Path path = directory.resolve(file.getKey());
      Files.createDirectories(path.getParent());
      Files.writeString(path, file.getValue());
    }
  }

  private static void deleteTree(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
