package io.gatun.bundle.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.zip.GZIPOutputStream;

/** The bundle as files: layout, kinds, annotations, the Dockerfile, size. */
final class LayoutRules {

  /** What operator-registry accepts in manifests/ (no Namespace, no DaemonSet, no Deployment). */
  static final Set<String> ALLOWED_KINDS =
      Set.of(
          "ClusterServiceVersion",
          "CustomResourceDefinition",
          "Secret",
          "ConfigMap",
          "Service",
          "ServiceAccount",
          "Role",
          "RoleBinding",
          "ClusterRole",
          "ClusterRoleBinding",
          "PrometheusRule",
          "ServiceMonitor",
          "PodDisruptionBudget",
          "PriorityClass",
          "VerticalPodAutoscaler",
          "ConsoleYAMLSample",
          "ConsoleQuickStart",
          "ConsoleCLIDownload",
          "ConsoleLink");

  static final String PREFIX = "operators.operatorframework.io.bundle.";
  static final List<String> REQUIRED_ANNOTATIONS =
      List.of(
          "mediatype.v1",
          "manifests.v1",
          "metadata.v1",
          "package.v1",
          "channels.v1",
          "channel.default.v1");

  /** operator-framework/api's limit on a bundle's compressed, encoded size, and its warning. */
  static final long MAX_SIZE = 1 << 20;

  private LayoutRules() {}

  static void check(BundleView bundle) {
    bundle.manifests.forEach(
        (path, objects) -> {
          String name = path.substring("manifests/".length());
          if (name.contains("/") || !name.matches(".*\\.(yaml|yml|json)")) {
            bundle.add(Rule.LAYOUT_FLAT, path, "manifests/ holds .yaml/.yml/.json files only");
          }
          if (objects.size() != 1) {
            bundle.add(Rule.LAYOUT_ONE_OBJECT, path, objects.size() + " objects");
          }
          for (JsonNode object : objects) {
            String kind = object.path("kind").asText();
            if (!ALLOWED_KINDS.contains(kind)) {
              bundle.add(
                  Rule.LAYOUT_ALLOWED_KINDS,
                  path,
                  kind + " is not allowed in a bundle (the operator must create it itself)");
            }
            if (kind.equals("CustomResourceDefinition")
                && !object.path("apiVersion").asText().equals("apiextensions.k8s.io/v1")) {
              bundle.add(
                  Rule.LAYOUT_CRD_V1, path, object.path("apiVersion").asText() + " is not v1");
            }
          }
        });
    annotations(bundle);
    dockerfile(bundle);
    long size = size(bundle.files);
    if (size > MAX_SIZE) {
      bundle.add(Rule.BUNDLE_SIZE, "olm-bundle/", size + " bytes gzip+base64 > " + MAX_SIZE);
    }
  }

  private static void annotations(BundleView bundle) {
    String where = "metadata/annotations.yaml";
    JsonNode a = bundle.annotations;
    for (String key : REQUIRED_ANNOTATIONS) {
      if (a.path(PREFIX + key).asText("").isEmpty()) {
        bundle.add(Rule.ANNOTATIONS_KEYS, where, PREFIX + key + " is missing");
      }
    }
    expect(bundle, a, "mediatype.v1", "registry+v1");
    expect(bundle, a, "manifests.v1", "manifests/");
    expect(bundle, a, "metadata.v1", "metadata/");
    String csvName = bundle.csv.path("metadata").path("name").asText();
    String csvPackage = csvName.contains(".") ? csvName.substring(0, csvName.indexOf('.')) : "";
    expect(bundle, a, "package.v1", csvPackage);
    List<String> channels =
        Arrays.stream(a.path(PREFIX + "channels.v1").asText("").split(","))
            .map(String::strip)
            .filter(c -> !c.isEmpty())
            .toList();
    String defaultChannel = a.path(PREFIX + "channel.default.v1").asText("");
    if (!channels.contains(defaultChannel)) {
      bundle.add(
          Rule.ANNOTATIONS_DEFAULT_CHANNEL,
          where,
          "default channel \"" + defaultChannel + "\" is not among " + channels);
    }
    for (String channel : channels) {
      if (!channel.matches("(stable|fast|candidate).*")) {
        bundle.add(
            Rule.ANNOTATIONS_CHANNEL_NAMES,
            where,
            "channel \"" + channel + "\" should start with stable, fast or candidate");
      }
    }
  }

  private static void expect(BundleView bundle, JsonNode a, String key, String value) {
    String actual = a.path(PREFIX + key).asText("");
    if (!actual.isEmpty() && !actual.equals(value)) {
      bundle.add(
          Rule.ANNOTATIONS_KEYS,
          "metadata/annotations.yaml",
          PREFIX + key + " is \"" + actual + "\", expected \"" + value + "\"");
    }
  }

  private static void dockerfile(BundleView bundle) {
    String text = bundle.files.get("bundle.Dockerfile");
    if (text == null) {
      bundle.add(Rule.DOCKERFILE_LABELS, "bundle.Dockerfile", "missing");
      return;
    }
    List<String> lines =
        text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    if (lines.isEmpty() || !lines.getFirst().equals("FROM scratch")) {
      bundle.add(Rule.DOCKERFILE_LABELS, "bundle.Dockerfile", "must start FROM scratch");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    for (String line : lines) {
      if (line.startsWith("LABEL ") && line.contains("=")) {
        String label = line.substring("LABEL ".length());
        labels.put(label.substring(0, label.indexOf('=')), label.substring(label.indexOf('=') + 1));
      }
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    bundle
        .annotations
        .fields()
        .forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
    if (!labels.equals(annotations)) {
      bundle.add(
          Rule.DOCKERFILE_LABELS,
          "bundle.Dockerfile",
          "labels " + labels + " differ from metadata/annotations.yaml " + annotations);
    }
  }

  /**
   * The size OLM limits: the bundle's files gzipped together, then base64 encoded (how
   * operator-registry stores a bundle in a ConfigMap).
   */
  public static long size(SortedMap<String, String> files) {
    var compressed = new ByteArrayOutputStream();
    try (var gzip = new GZIPOutputStream(compressed)) {
      for (String text : files.values()) {
        gzip.write(text.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Base64.getEncoder().encode(compressed.toByteArray()).length;
  }
}
