package io.gatun.bundle.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the bundle asks of a cluster: RBAC, ServiceAccounts, and APIs Kubernetes removed. */
final class PermissionRules {

  private static final Set<String> WRITES =
      Set.of("create", "update", "patch", "delete", "deletecollection", "*");

  /**
   * group/version (or group/version/Kind) → the Kubernetes minor release that removed it
   * (kubernetes.io's deprecation guide, as operator-framework/api's removed-APIs check reads it).
   */
  static final Map<String, Integer> REMOVED =
      Map.ofEntries(
          Map.entry("extensions/v1beta1", 16),
          Map.entry("extensions/v1beta1/Ingress", 22),
          Map.entry("apps/v1beta1", 16),
          Map.entry("apps/v1beta2", 16),
          Map.entry("apiextensions.k8s.io/v1beta1", 22),
          Map.entry("rbac.authorization.k8s.io/v1beta1", 22),
          Map.entry("rbac.authorization.k8s.io/v1alpha1", 22),
          Map.entry("admissionregistration.k8s.io/v1beta1", 22),
          Map.entry("apiregistration.k8s.io/v1beta1", 22),
          Map.entry("scheduling.k8s.io/v1beta1", 22),
          Map.entry("scheduling.k8s.io/v1alpha1", 22),
          Map.entry("networking.k8s.io/v1beta1", 22),
          Map.entry("coordination.k8s.io/v1beta1", 22),
          Map.entry("certificates.k8s.io/v1beta1", 22),
          Map.entry("storage.k8s.io/v1beta1/CSIDriver", 22),
          Map.entry("storage.k8s.io/v1beta1/CSINode", 22),
          Map.entry("storage.k8s.io/v1beta1/StorageClass", 22),
          Map.entry("storage.k8s.io/v1beta1/VolumeAttachment", 22),
          Map.entry("storage.k8s.io/v1beta1/CSIStorageCapacity", 27),
          Map.entry("batch/v1beta1", 25),
          Map.entry("policy/v1beta1", 25),
          Map.entry("discovery.k8s.io/v1beta1", 25),
          Map.entry("events.k8s.io/v1beta1", 25),
          Map.entry("autoscaling/v2beta1", 25),
          Map.entry("node.k8s.io/v1beta1", 25),
          Map.entry("autoscaling/v2beta2", 26),
          Map.entry("flowcontrol.apiserver.k8s.io/v1beta1", 26),
          Map.entry("flowcontrol.apiserver.k8s.io/v1beta2", 29),
          Map.entry("flowcontrol.apiserver.k8s.io/v1beta3", 32));

  private PermissionRules() {}

  static void check(BundleView bundle) {
    String csvWhere = bundle.csvFile;
    JsonNode install = bundle.csv.path("spec").path("install").path("spec");
    var accounts = new ArrayList<String>();
    for (JsonNode deployment : install.path("deployments")) {
      accounts.add(
          deployment
              .path("spec")
              .path("template")
              .path("spec")
              .path("serviceAccountName")
              .asText("default"));
    }
    for (String field : List.of("permissions", "clusterPermissions")) {
      for (JsonNode grant : install.path(field)) {
        rules(
            bundle,
            csvWhere + " " + field + "[" + grant.path("serviceAccountName").asText() + "]",
            grant.path("rules"));
      }
    }
    int minMinor = minor(bundle.csv.path("spec").path("minKubeVersion").asText(""));
    bundle.manifests.forEach(
        (path, objects) -> {
          for (JsonNode object : objects) {
            String kind = object.path("kind").asText();
            if (kind.equals("Role") || kind.equals("ClusterRole")) {
              rules(bundle, path, object.path("rules"));
            }
            if (kind.equals("ServiceAccount")
                && accounts.contains(object.path("metadata").path("name").asText())) {
              bundle.add(
                  Rule.BUNDLE_SERVICE_ACCOUNT,
                  path,
                  "ServiceAccount "
                      + object.path("metadata").path("name").asText()
                      + " is the install deployment's: OLM creates it from the CSV's permissions");
            }
            removedApi(bundle, path, object.path("apiVersion").asText(), kind, minMinor);
          }
        });
    String examples = bundle.csvAnnotation("alm-examples");
    try {
      for (JsonNode example : BundleView.JSON.readTree(examples.isEmpty() ? "[]" : examples)) {
        removedApi(
            bundle,
            csvWhere + " alm-examples",
            example.path("apiVersion").asText(),
            example.path("kind").asText(),
            minMinor);
      }
    } catch (java.io.IOException e) {
      // examples.parse reports it
    }
  }

  private static void rules(BundleView bundle, String where, JsonNode rules) {
    for (JsonNode rule : rules) {
      Set<String> groups = strings(rule.path("apiGroups"));
      Set<String> resources = strings(rule.path("resources"));
      Set<String> verbs = strings(rule.path("verbs"));
      if (groups.contains("*") || resources.contains("*") || verbs.contains("*")) {
        bundle.add(Rule.RBAC_NO_WILDCARDS, where, "rule " + rule + " uses '*'");
      }
      boolean writes = verbs.stream().anyMatch(WRITES::contains);
      if (writes
          && (groups.contains("apiextensions.k8s.io") || groups.contains("*"))
          && (resources.contains("customresourcedefinitions") || resources.contains("*"))) {
        bundle.add(
            Rule.RBAC_NO_CRD_WRITES, where, "rule " + rule + " writes CRDs: OLM installs them");
      }
      if (writes
          && (groups.contains("security.openshift.io") || groups.contains("*"))
          && (resources.contains("securitycontextconstraints") || resources.contains("*"))) {
        bundle.add(Rule.RBAC_NO_SCC, where, "rule " + rule + " changes SecurityContextConstraints");
      }
    }
  }

  private static void removedApi(
      BundleView bundle, String where, String apiVersion, String kind, int minMinor) {
    Integer removed = REMOVED.getOrDefault(apiVersion + "/" + kind, REMOVED.get(apiVersion));
    if (removed == null) {
      return;
    }
    bundle.add(
        Rule.APIS_REMOVED,
        where,
        kind
            + " "
            + apiVersion
            + " was removed in Kubernetes 1."
            + removed
            + (removed <= minMinor
                ? ", at or before minKubeVersion: the bundle cannot install"
                : ": the bundle would break on 1." + removed + " and later"));
  }

  private static int minor(String version) {
    String[] parts = version.split("\\.");
    try {
      return parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Set<String> strings(JsonNode array) {
    var values = new java.util.HashSet<String>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}
