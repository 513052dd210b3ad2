package io.gatun.bundle.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * A bundle's files parsed once for the rules: every manifest's objects, the CSV, the CRDs, the
 * annotations. Files that do not parse are violations, and the rest is still checked.
 */
final class BundleView {

  static final ObjectMapper YAML = new YAMLMapper();
  static final ObjectMapper JSON = new ObjectMapper();

  final SortedMap<String, String> files;
  final List<Violation> violations = new ArrayList<>();

  /** manifests/ file → its objects. */
  final Map<String, List<JsonNode>> manifests = new LinkedHashMap<>();

  JsonNode csv = MissingNode.getInstance();
  String csvFile = "manifests/";
  final List<JsonNode> crds = new ArrayList<>();
  JsonNode annotations = MissingNode.getInstance();

  BundleView(SortedMap<String, String> files) {
    this.files = files;
    files.forEach(
        (path, text) -> {
          if (path.startsWith("manifests/")) {
            manifests.put(path, parseAll(path, text));
          }
        });
    var csvs = new ArrayList<String>();
    manifests.forEach(
        (path, objects) -> {
          for (JsonNode object : objects) {
            String kind = object.path("kind").asText();
            if (kind.equals("ClusterServiceVersion")) {
              csvs.add(path);
              csv = object;
              csvFile = path;
            } else if (kind.equals("CustomResourceDefinition")) {
              crds.add(object);
            }
          }
        });
    if (csvs.size() != 1) {
      add(Rule.LAYOUT_ONE_CSV, "manifests/", "found " + csvs.size() + " CSVs " + csvs);
    }
    String annotationsText = files.get("metadata/annotations.yaml");
    if (annotationsText == null) {
      add(Rule.ANNOTATIONS_KEYS, "metadata/annotations.yaml", "missing");
    } else {
      List<JsonNode> parsed = parseAll("metadata/annotations.yaml", annotationsText);
      annotations =
          parsed.isEmpty() ? MissingNode.getInstance() : parsed.getFirst().path("annotations");
    }
  }

  void add(Rule rule, String where, String message) {
    violations.add(new Violation(rule, where, message));
  }

  /** The CSV's annotation, or "" when absent. */
  String csvAnnotation(String key) {
    return csv.path("metadata").path("annotations").path(key).asText("");
  }

  /** The owned CRD entries of the CSV. */
  Iterable<JsonNode> owned() {
    return csv.path("spec").path("customresourcedefinitions").path("owned");
  }

  /** The CRD object named plural.group, or a missing node. */
  JsonNode crd(String name) {
    return crds.stream()
        .filter(crd -> crd.path("metadata").path("name").asText().equals(name))
        .findFirst()
        .orElse(MissingNode.getInstance());
  }

  private List<JsonNode> parseAll(String path, String text) {
    var objects = new ArrayList<JsonNode>();
    try (var parser = new YAMLFactory().createParser(text)) {
      var iterator = YAML.readValues(parser, JsonNode.class);
      while (iterator.hasNext()) {
        JsonNode node = iterator.next();
        if (node != null && !node.isNull() && !node.isMissingNode()) {
          objects.add(node);
        }
      }
    } catch (IOException | RuntimeException e) {
      add(Rule.LAYOUT_PARSE, path, e.getMessage().lines().findFirst().orElse("does not parse"));
    }
    return objects;
  }
}
