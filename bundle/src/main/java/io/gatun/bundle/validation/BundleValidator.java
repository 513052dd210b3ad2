package io.gatun.bundle.validation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * OLM's rules for a registry+v1 bundle, checked offline (neither operator-sdk nor opm runs here).
 * Each violation names its {@link Rule}.
 */
public final class BundleValidator {

  private BundleValidator() {}

  /** The bundle's files, paths relative to its top (manifests/..., metadata/...). */
  public static List<Violation> validate(SortedMap<String, String> files) {
    var bundle = new BundleView(files);
    LayoutRules.check(bundle);
    CsvRules.check(bundle);
    ExampleRules.check(bundle);
    PermissionRules.check(bundle);
    return List.copyOf(bundle.violations);
  }

  public static List<Violation> validate(Path directory) {
    return validate(read(directory));
  }

  /** gzip+base64 bytes, the size OLM limits to 1 MiB. */
  public static long size(SortedMap<String, String> files) {
    return LayoutRules.size(files);
  }

  public static SortedMap<String, String> read(Path directory) {
    var files = new TreeMap<String, String>();
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.filter(Files::isRegularFile).toList()) {
        files.put(directory.relativize(path).toString(), Files.readString(path));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundle in " + directory, e);
    }
    return files;
  }
}
