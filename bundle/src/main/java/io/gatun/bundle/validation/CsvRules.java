package io.gatun.bundle.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The ClusterServiceVersion's own fields (operator-framework/api csv.go, operatorhub.go). */
final class CsvRules {

  static final Pattern SEMVER =
      Pattern.compile(
          "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
              + "(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?");
  static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  static final Pattern IMAGE =
      Pattern.compile(
          "([a-zA-Z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*"
              + "(:[\\w][\\w.-]{0,127})?(@sha256:[a-f0-9]{64})?");
  static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  static final Set<String> CAPABILITIES =
      Set.of("Basic Install", "Seamless Upgrades", "Full Lifecycle", "Deep Insights", "Auto Pilot");
  static final Set<String> CATEGORIES =
      Set.of(
          "AI/Machine Learning",
          "Application Runtime",
          "Big Data",
          "Cloud Provider",
          "Database",
          "Developer Tools",
          "Drivers and plugins",
          "Integration & Delivery",
          "Logging & Tracing",
          "Modernization & Migration",
          "Monitoring",
          "Networking",
          "OpenShift Optional",
          "Security",
          "Storage",
          "Streaming & Messaging");
  static final Set<String> ICON_TYPES =
      Set.of("image/gif", "image/jpeg", "image/png", "image/svg+xml");
  static final List<String> CASE_SENSITIVE_KEYS =
      List.of(
          "alm-examples",
          "olm.skipRange",
          "olm.properties",
          "olm.substitutesFor",
          "olm.maxOpenShiftVersion",
          "operators.operatorframework.io/internal-objects",
          "operatorframework.io/suggested-namespace",
          "operatorframework.io/suggested-namespace-template",
          "operatorframework.io/initialization-resource",
          "containerImage",
          "capabilities",
          "categories");
  static final Set<String> INSTALL_MODES =
      Set.of("OwnNamespace", "SingleNamespace", "MultiNamespace", "AllNamespaces");

  private CsvRules() {}

  static void check(BundleView bundle) {
    JsonNode csv = bundle.csv;
    if (csv.isMissingNode()) {
      return;
    }
    String where = bundle.csvFile;
    JsonNode spec = csv.path("spec");
    name(bundle, where, csv.path("metadata").path("name").asText(""), spec);

    for (String field : List.of("displayName", "description")) {
      if (spec.path(field).asText("").isBlank()) {
        bundle.add(Rule.CSV_REQUIRED_FIELDS, where, "spec." + field + " is empty");
      }
    }
    if (spec.path("provider").path("name").asText("").isBlank()) {
      bundle.add(Rule.CSV_REQUIRED_FIELDS, where, "spec.provider.name is empty");
    }
    if (!spec.path("install").path("strategy").asText().equals("deployment")) {
      bundle.add(Rule.CSV_REQUIRED_FIELDS, where, "spec.install.strategy must be deployment");
    }

    installModes(bundle, where, spec.path("installModes"));

    String minKube = spec.path("minKubeVersion").asText("");
    if (!SEMVER.matcher(minKube).matches()) {
      bundle.add(
          Rule.CSV_MIN_KUBE_VERSION, where, "minKubeVersion \"" + minKube + "\" is not semver");
    }
    String capabilities = bundle.csvAnnotation("capabilities");
    if (!CAPABILITIES.contains(capabilities)) {
      bundle.add(
          Rule.CSV_CAPABILITIES, where, "\"" + capabilities + "\" is not one of " + CAPABILITIES);
    }
    for (String category : bundle.csvAnnotation("categories").split(",")) {
      if (!CATEGORIES.contains(category.strip())) {
        bundle.add(
            Rule.CSV_CATEGORIES, where, "\"" + category.strip() + "\" is not a standard category");
      }
    }
    people(bundle, where, spec);
    icon(bundle, where, spec.path("icon"));
    relatedImages(bundle, where, spec);
    annotationSpelling(bundle, where, csv.path("metadata").path("annotations"));
    upgradeGraph(bundle, where, spec);
    namespaceTemplate(bundle, where);
    requests(bundle, where, spec);
  }

  private static void name(BundleView bundle, String where, String name, JsonNode spec) {
    String version = spec.path("version").asText("");
    if (name.length() > 253 || !DNS1123_SUBDOMAIN.matcher(name).matches()) {
      bundle.add(Rule.CSV_NAME, where, "\"" + name + "\" is not a DNS-1123 subdomain");
    }
    int dot = name.indexOf(".v");
    if (dot < 0 || !SEMVER.matcher(name.substring(dot + 2)).matches()) {
      bundle.add(Rule.CSV_NAME, where, "\"" + name + "\" is not <package>.v<semver>");
    } else if (!name.substring(dot + 2).equals(version)) {
      bundle.add(Rule.CSV_NAME, where, "name's version differs from spec.version " + version);
    }
    if (!SEMVER.matcher(version).matches()) {
      bundle.add(Rule.CSV_NAME, where, "spec.version \"" + version + "\" is not semver");
    }
  }

  private static void installModes(BundleView bundle, String where, JsonNode modes) {
    if (!modes.isArray() || modes.isEmpty()) {
      bundle.add(Rule.CSV_INSTALL_MODES, where, "spec.installModes is empty");
      return;
    }
    var seen = new HashSet<String>();
    boolean allNamespaces = false;
    for (JsonNode mode : modes) {
      String type = mode.path("type").asText();
      if (!INSTALL_MODES.contains(type)) {
        bundle.add(Rule.CSV_INSTALL_MODES, where, "unknown install mode " + type);
      }
      if (!seen.add(type)) {
        bundle.add(Rule.CSV_INSTALL_MODES, where, "install mode " + type + " listed twice");
      }
      allNamespaces |= type.equals("AllNamespaces") && mode.path("supported").asBoolean();
    }
    if (!allNamespaces) {
      bundle.add(
          Rule.CSV_INSTALL_MODES,
          where,
          "AllNamespaces is not supported: the OperatorGroups users create need it");
    }
  }

  private static void people(BundleView bundle, String where, JsonNode spec) {
    if (!spec.path("maintainers").isArray() || spec.path("maintainers").isEmpty()) {
      bundle.add(Rule.CSV_MAINTAINERS, where, "no maintainers");
    }
    for (JsonNode maintainer : spec.path("maintainers")) {
      if (maintainer.path("name").asText("").isBlank()
          || !EMAIL.matcher(maintainer.path("email").asText("")).matches()) {
        bundle.add(
            Rule.CSV_MAINTAINERS, where, "maintainer " + maintainer + " needs a name and an email");
      }
    }
    for (JsonNode link : spec.path("links")) {
      if (link.path("name").asText("").isBlank()
          || !link.path("url").asText("").matches("https?://\\S+")) {
        bundle.add(Rule.CSV_LINKS, where, "link " + link + " needs a name and an http(s) URL");
      }
    }
  }

  private static void icon(BundleView bundle, String where, JsonNode icons) {
    if (!icons.isArray() || icons.size() != 1) {
      bundle.add(Rule.CSV_ICON, where, "exactly one icon expected, found " + icons.size());
      return;
    }
    JsonNode icon = icons.get(0);
    if (!ICON_TYPES.contains(icon.path("mediatype").asText())) {
      bundle.add(
          Rule.CSV_ICON, where, "mediatype " + icon.path("mediatype") + " not in " + ICON_TYPES);
    }
    try {
      if (Base64.getDecoder().decode(icon.path("base64data").asText("")).length == 0) {
        bundle.add(Rule.CSV_ICON, where, "base64data is empty");
      }
    } catch (IllegalArgumentException e) {
      bundle.add(Rule.CSV_ICON, where, "base64data is not base64: " + e.getMessage());
    }
  }

  private static void relatedImages(BundleView bundle, String where, JsonNode spec) {
    var listed = new HashSet<String>();
    for (JsonNode related : spec.path("relatedImages")) {
      String image = related.path("image").asText("");
      listed.add(image);
      if (!IMAGE.matcher(image).matches()) {
        bundle.add(Rule.CSV_RELATED_IMAGES, where, "\"" + image + "\" is not an image reference");
      }
    }
    for (JsonNode container : containers(spec)) {
      String image = container.path("image").asText();
      if (!listed.contains(image)) {
        bundle.add(
            Rule.CSV_RELATED_IMAGES,
            where,
            "container image " + image + " is not in relatedImages");
      }
    }
  }

  private static void annotationSpelling(BundleView bundle, String where, JsonNode annotations) {
    annotations
        .fieldNames()
        .forEachRemaining(
            key -> {
              for (String known : CASE_SENSITIVE_KEYS) {
                if (key.equalsIgnoreCase(known) && !key.equals(known)) {
                  bundle.add(
                      Rule.CSV_ANNOTATION_SPELLING,
                      where,
                      "annotation \""
                          + key
                          + "\" must be spelled \""
                          + known
                          + "\": OLM ignores it");
                }
              }
            });
  }

  private static void upgradeGraph(BundleView bundle, String where, JsonNode spec) {
    String replaces = spec.path("replaces").asText("");
    String skipRange = bundle.csvAnnotation("olm.skipRange");
    if (!replaces.isEmpty()
        && (!DNS1123_SUBDOMAIN.matcher(replaces).matches() || !replaces.contains(".v"))) {
      bundle.add(
          Rule.CSV_UPGRADE_GRAPH, where, "spec.replaces \"" + replaces + "\" is not a CSV name");
    }
    if (replaces.isEmpty() && skipRange.isBlank()) {
      bundle.add(
          Rule.CSV_UPGRADE_GRAPH,
          where,
          "neither spec.replaces nor olm.skipRange: OLM could not upgrade to this version");
    }
    if (!skipRange.isBlank() && !skipRange.matches("[<>=]+\\s*\\d+\\.\\d+\\.\\d+.*")) {
      bundle.add(
          Rule.CSV_UPGRADE_GRAPH, where, "olm.skipRange \"" + skipRange + "\" is not a range");
    }
  }

  private static void namespaceTemplate(BundleView bundle, String where) {
    String template = bundle.csvAnnotation("operatorframework.io/suggested-namespace-template");
    try {
      JsonNode namespace = BundleView.JSON.readTree(template.isEmpty() ? "{}" : template);
      boolean privileged =
          namespace.path("kind").asText().equals("Namespace")
              && namespace
                  .path("metadata")
                  .path("labels")
                  .path("pod-security.kubernetes.io/enforce")
                  .asText()
                  .equals("privileged");
      if (!privileged) {
        bundle.add(
            Rule.CSV_NAMESPACE_TEMPLATE,
            where,
            "needs a Namespace labelled pod-security.kubernetes.io/enforce: privileged"
                + " (host-network DPDK pods)");
      }
    } catch (IOException e) {
      bundle.add(Rule.CSV_NAMESPACE_TEMPLATE, where, "is not JSON: " + e.getMessage());
    }
  }

  private static void requests(BundleView bundle, String where, JsonNode spec) {
    for (JsonNode container : containers(spec)) {
      for (String resource : List.of("cpu", "memory")) {
        if (container.path("resources").path("requests").path(resource).asText("").isEmpty()) {
          bundle.add(
              Rule.CSV_CONTAINER_REQUESTS,
              where,
              "container " + container.path("name").asText() + " has no " + resource + " request");
        }
      }
    }
  }

  /** Every container and init container of the install strategy's deployments. */
  static List<JsonNode> containers(JsonNode spec) {
    var containers = new ArrayList<JsonNode>();
    for (JsonNode deployment : spec.path("install").path("spec").path("deployments")) {
      JsonNode pod = deployment.path("spec").path("template").path("spec");
      pod.path("containers").forEach(containers::add);
      pod.path("initContainers").forEach(containers::add);
    }
    return containers;
  }
}
