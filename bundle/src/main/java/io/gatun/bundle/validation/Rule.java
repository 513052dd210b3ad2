package io.gatun.bundle.validation;

/**
 * The rules a bundle must satisfy, as OLM's validators (operator-framework/api
 * pkg/validation/internal), the bundle loader (operator-registry pkg/lib/bundle) and operator-sdk's
 * scorecard (internal/scorecard/tests) apply them. Each violation names its rule.
 */
public enum Rule {
  LAYOUT_PARSE("layout.parse", "every file parses (YAML or JSON)"),
  LAYOUT_FLAT("layout.flat-manifests", "manifests/ is flat: files only, no subdirectories"),
  LAYOUT_ONE_OBJECT("layout.one-object-per-file", "one Kubernetes object per manifest file"),
  LAYOUT_ONE_CSV("layout.exactly-one-csv", "exactly one ClusterServiceVersion"),
  LAYOUT_ALLOWED_KINDS("layout.allowed-kinds", "only the kinds a registry+v1 bundle may carry"),
  LAYOUT_CRD_V1("layout.crd-apiextensions-v1", "CRDs are apiextensions.k8s.io/v1"),
  ANNOTATIONS_KEYS("annotations.required-keys", "metadata/annotations.yaml has every bundle key"),
  ANNOTATIONS_DEFAULT_CHANNEL("annotations.default-channel", "the default channel is a channel"),
  ANNOTATIONS_CHANNEL_NAMES("annotations.channel-names", "channels start stable/fast/candidate"),
  DOCKERFILE_LABELS("dockerfile.labels", "bundle.Dockerfile is FROM scratch with the same labels"),
  CSV_NAME("csv.name", "<package>.v<semver>, a DNS-1123 subdomain, equal to spec.version"),
  CSV_REQUIRED_FIELDS("csv.required-fields", "displayName, description, provider, strategy"),
  CSV_INSTALL_MODES("csv.install-modes", "non-empty, no duplicate, AllNamespaces supported"),
  CSV_MIN_KUBE_VERSION("csv.min-kube-version", "minKubeVersion set and semver"),
  CSV_CAPABILITIES("csv.capabilities", "one of the five capability levels"),
  CSV_CATEGORIES("csv.categories", "categories from OperatorHub's list"),
  CSV_MAINTAINERS("csv.maintainers", "maintainers with a name and a valid email"),
  CSV_LINKS("csv.links", "links with a name and an http(s) URL"),
  CSV_ICON("csv.icon", "exactly one icon, an image media type, base64"),
  CSV_RELATED_IMAGES("csv.related-images", "valid references, every container image listed"),
  CSV_ANNOTATION_SPELLING(
      "csv.annotation-keys", "case-sensitive OLM annotation keys spelled exactly"),
  CSV_UPGRADE_GRAPH("csv.upgrade-graph", "replaces a valid CSV name, or olm.skipRange set"),
  CSV_NAMESPACE_TEMPLATE(
      "csv.suggested-namespace-template", "a Namespace with Pod Security level privileged"),
  CSV_CONTAINER_REQUESTS("csv.container-requests", "cpu and memory requests on every container"),
  EXAMPLES_PARSE("examples.parse", "alm-examples is a JSON list of objects"),
  EXAMPLES_OWNED("examples.owned-api", "every example's kind is an owned CRD"),
  EXAMPLES_EVERY_OWNED("examples.every-owned-crd", "every owned CRD has an example"),
  SCORECARD_CHECK_SPEC("scorecard.basic-check-spec", "every example has a spec"),
  SCORECARD_KEYS_IN_SCHEMA(
      "scorecard.example-keys-in-schema", "every spec/status key of an example is in the schema"),
  SCORECARD_SPEC_DESCRIPTORS(
      "scorecard.olm-spec-descriptors", "a specDescriptor for every top-level spec key"),
  SCORECARD_STATUS_DESCRIPTORS(
      "scorecard.olm-status-descriptors", "statusDescriptors for examples with a status"),
  SCORECARD_CRD_RESOURCES("scorecard.olm-crds-have-resources", "every owned CRD lists resources"),
  SCORECARD_CRD_VALIDATION(
      "scorecard.olm-crds-have-validation", "every owned CRD version has a spec schema"),
  BUNDLE_CRDS_OWNED("bundle.crds-owned", "CRDs and owned entries match, no duplicate GVK"),
  BUNDLE_SERVICE_ACCOUNT(
      "bundle.service-account", "no ServiceAccount manifest named like the deployment's"),
  BUNDLE_NO_CONVERSION_WEBHOOK("bundle.no-conversion-webhook", "no CRD converts by webhook"),
  BUNDLE_SIZE("bundle.size", "at most 1 MiB gzip+base64"),
  APIS_REMOVED("apis.removed", "no API Kubernetes removed, at minKubeVersion or since"),
  RBAC_NO_CRD_WRITES("rbac.no-crd-writes", "no permission to create or change CRDs"),
  RBAC_NO_SCC("rbac.no-scc", "no permission on SecurityContextConstraints"),
  RBAC_NO_WILDCARDS("rbac.no-wildcards", "no '*' in apiGroups, resources or verbs");

  private final String id;
  private final String summary;

  Rule(String id, String summary) {
    this.id = id;
    this.summary = summary;
  }

  public String id() {
    return id;
  }

  public String summary() {
    return summary;
  }
}
