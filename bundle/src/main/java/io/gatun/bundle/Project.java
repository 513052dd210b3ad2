package io.gatun.bundle;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gatun.operator.api.ApiGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What the bundle and the plain manifests are made from: the CRDs the Java model generated ({@code
 * crds/}), the examples users start from ({@code samples/}), the operator's permissions ({@code
 * deploy/rbac.yaml}, written by hand and proven by RbacIT), the build's version and the release it
 * upgrades from.
 *
 * @param root the repository's top level
 * @param version the Maven project version (0.1.0-SNAPSHOT): the images' tag
 * @param replaces the CSV version this one upgrades in place (OLM's {@code spec.replaces}), or null
 *     for the first release
 */
public record Project(Path root, String version, String replaces) {

  /** A first release: it replaces nothing (its skip range still gives it an upgrade graph). */
  public Project(Path root, String version) {
    this(root, version, null);
  }

  /** The OLM package, the operator's name, ServiceAccount and Deployment. */
  public static final String NAME = "gatun-operator";

  /** Where the plain manifests install the operator (and the namespace OLM is told to suggest). */
  public static final String NAMESPACE = "gatun-system";

  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /**
   * The CSV's version: the release this build leads to. A -SNAPSHOT suffix is dropped because a
   * CSV's name carries the version and must be a lower-case DNS-1123 subdomain.
   */
  public String csvVersion() {
    return version.replaceFirst("-SNAPSHOT$", "");
  }

  public String csvName() {
    return NAME + ".v" + csvVersion();
  }

  /** The CSV this one replaces ({@code gatun-operator.v0.1.0}), or null. */
  public String replacedCsvName() {
    return replaces == null ? null : NAME + ".v" + replaces.replaceFirst("-SNAPSHOT$", "");
  }

  public String operatorImage() {
    return "docker.io/gatun/operator:" + version;
  }

  public String forwarderImage() {
    return "docker.io/gatun/forwarder:" + version;
  }

  /** FRR beside every forwarder (the forwarder pod's frr container, its BGP speaker). */
  public String frrImage() {
    return "docker.io/gatun/frr:" + version;
  }

  /** The checked-in CRDs by file name (pools.lb.gatun.io.yaml), as text. */
  public SortedMap<String, String> crdFiles() {
    var files = new TreeMap<String, String>();
    for (Path file : list(root.resolve("crds"), "." + ApiGroup.GROUP + ".yaml")) {
      files.put(file.getFileName().toString(), read(file));
    }
    return files;
  }

  public List<CustomResourceDefinition> crds() {
    return crdFiles().values().stream()
        .map(text -> SERIALIZATION.unmarshal(text, CustomResourceDefinition.class))
        .toList();
  }

  /** Every object of Gatun's API group in samples/ (and its subdirectories), by path. */
  public List<GenericKubernetesResource> examples() {
    var examples = new ArrayList<GenericKubernetesResource>();
    for (Path file : list(root.resolve("samples"), ".yaml")) {
      for (String document : documents(read(file))) {
        var object = SERIALIZATION.unmarshal(document, GenericKubernetesResource.class);
        if (object != null && object.getApiVersion().startsWith(ApiGroup.GROUP + "/")) {
          examples.add(object);
        }
      }
    }
    return examples;
  }

  public String rbacYaml() {
    return read(root.resolve("deploy/rbac.yaml"));
  }

  public List<HasMetadata> rbac() {
    return documents(rbacYaml()).stream()
        .map(document -> (HasMetadata) SERIALIZATION.unmarshal(document))
        .toList();
  }

  /** The YAML documents of a stream, comments and empty documents left out. */
  public static List<String> documents(String text) {
    return Stream.of(text.split("(?m)^---\\s*$"))
        .filter(document -> document.lines().anyMatch(Project::isContent))
        .toList();
  }

  private static boolean isContent(String line) {
    String trimmed = line.strip();
    return !trimmed.isEmpty() && !trimmed.startsWith("#");
  }

  private static List<Path> list(Path directory, String suffix) {
    try (Stream<Path> paths = Files.walk(directory)) {
      return paths.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + directory, e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
