package io.gatun.bundle.validation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatun.bundle.OlmBundle;
import java.util.Base64;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/** A copy of the real bundle's files, broken one way by a test. */
final class BrokenBundle {

  static final String CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\n";

  private final SortedMap<String, String> files;

  BrokenBundle(SortedMap<String, String> files) {
    this.files = new TreeMap<>(files);
  }

  SortedMap<String, String> files() {
    return files;
  }

  String get(String path) {
    return files.get(path);
  }

  void put(String path, String text) {
    files.put(path, text);
  }

  void remove(String path) {
    if (files.remove(path) == null) {
      throw new IllegalArgumentException(path + " is not in the bundle");
    }
  }

  /** Replaces text that must be there (a test that changes nothing would prove nothing). */
  void replace(String path, String from, String to) {
    String text = files.get(path);
    if (text == null || !text.contains(from)) {
      throw new IllegalArgumentException(path + " does not contain " + from);
    }
    files.put(path, text.replace(from, to));
  }

  void csv(Consumer<ObjectNode> change) {
    try {
      var csv = (ObjectNode) BundleView.YAML.readTree(files.get(OlmBundle.CSV_FILE));
      change.accept(csv);
      files.put(OlmBundle.CSV_FILE, BundleView.YAML.writeValueAsString(csv));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  void csvAnnotation(String key, String value) {
    csv(csv -> annotations(csv).put(key, value));
  }

  void renameCsvAnnotation(String from, String to) {
    csv(csv -> annotations(csv).set(to, annotations(csv).remove(from)));
  }

  void addExample(String json) {
    changeExamples(examples -> examples.add(parse(json)));
  }

  void removeExamples(String kind) {
    changeExamples(
        examples -> {
          for (int i = examples.size() - 1; i >= 0; i--) {
            if (examples.get(i).path("kind").asText().equals(kind)) {
              examples.remove(i);
            }
          }
        });
  }

  ObjectNode owned(ObjectNode csv, String kind) {
    for (JsonNode owned : csv.at("/spec/customresourcedefinitions/owned")) {
      if (owned.path("kind").asText().equals(kind)) {
        return (ObjectNode) owned;
      }
    }
    throw new IllegalArgumentException("no owned " + kind);
  }

  ObjectNode firstContainer(ObjectNode csv) {
    return (ObjectNode) csv.at("/spec/install/spec/deployments/0/spec/template/spec/containers/0");
  }

  void addClusterRule(String group, String resource, String verb) {
    csv(
        csv -> {
          var rule =
              ((ArrayNode) csv.at("/spec/install/spec/clusterPermissions/0/rules")).addObject();
          rule.putArray("apiGroups").add(group);
          rule.putArray("resources").add(resource);
          rule.putArray("verbs").add(verb);
        });
  }

  /** A ConfigMap of 1.5 MiB of random bytes: gzip cannot shrink it below the limit. */
  static String bigConfigMap() {
    byte[] noise = new byte[3 << 19];
    new Random(13).nextBytes(noise);
    return CONFIG_MAP + "binaryData: {noise: " + Base64.getEncoder().encodeToString(noise) + "}\n";
  }

  private void changeExamples(Consumer<ArrayNode> change) {
    csv(
        csv -> {
          var examples = (ArrayNode) parse(annotations(csv).path("alm-examples").asText());
          change.accept(examples);
          annotations(csv).put("alm-examples", examples.toString());
        });
  }

  private static ObjectNode annotations(ObjectNode csv) {
    return (ObjectNode) csv.at("/metadata/annotations");
  }

  private static JsonNode parse(String json) {
    try {
      return BundleView.JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
