package io.gatun.bundle.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatun.bundle.OlmBundle;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checked-in bundle satisfies every rule; and each rule, fed a bundle broken the way it
 * forbids, fails naming itself (every rule has a case here, which the last test checks).
 */
class BundleRulesTest {

  static Path bundleDir() {
    return Path.of(System.getProperty("gatun.root"), OlmBundle.DIR);
  }

  @Test
  void theCheckedInBundleBreaksNoRule() {
    List<Violation> violations = BundleValidator.validate(bundleDir());
    assertThat(violations).as("violations of OLM's rules").isEmpty();
  }

  @Test
  void theBundleIsFarBelowOlmsSizeLimit() {
    long size = BundleValidator.size(BundleValidator.read(bundleDir()));
    System.out.printf(
        "bundle size: %,d bytes gzip+base64 (limit %,d)%n", size, LayoutRules.MAX_SIZE);
    // operator-framework/api warns at 85% of the limit; stay far below it.
    assertThat(size).isLessThan(LayoutRules.MAX_SIZE / 4);
  }

  record Case(String name, Rule rule, Consumer<BrokenBundle> breakIt) {
    @Override
    public String toString() {
      return rule.id() + ": " + name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "a manifest that is not YAML",
            Rule.LAYOUT_PARSE,
            b -> b.put("manifests/bad.yaml", "a: [b\n")),
        new Case(
            "a subdirectory in manifests/",
            Rule.LAYOUT_FLAT,
            b -> b.put("manifests/more/cm.yaml", BrokenBundle.CONFIG_MAP)),
        new Case(
            "two objects in one file",
            Rule.LAYOUT_ONE_OBJECT,
            b ->
                b.put(
                    "manifests/two.yaml",
                    BrokenBundle.CONFIG_MAP + "---\n" + BrokenBundle.CONFIG_MAP)),
        new Case(
            "a second CSV",
            Rule.LAYOUT_ONE_CSV,
            b -> b.put("manifests/copy.clusterserviceversion.yaml", b.get(OlmBundle.CSV_FILE))),
        new Case(
            "a DaemonSet in the bundle",
            Rule.LAYOUT_ALLOWED_KINDS,
            b ->
                b.put(
                    "manifests/ds.yaml",
                    "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: fwd}\n")),
        new Case(
            "a Namespace in the bundle",
            Rule.LAYOUT_ALLOWED_KINDS,
            b ->
                b.put(
                    "manifests/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n")),
        new Case(
            "a CRD in apiextensions v1beta1",
            Rule.LAYOUT_CRD_V1,
            b ->
                b.replace(
                    "manifests/pools.lb.gatun.io.yaml",
                    "apiextensions.k8s.io/v1\"",
                    "apiextensions.k8s.io/v1beta1\"")),
        new Case(
            "the mediatype missing",
            Rule.ANNOTATIONS_KEYS,
            b ->
                b.replace(
                    "metadata/annotations.yaml",
                    "operators.operatorframework.io.bundle.mediatype.v1: registry+v1\n",
                    "")),
        new Case(
            "another package name",
            Rule.ANNOTATIONS_KEYS,
            b ->
                b.replace(
                    "metadata/annotations.yaml",
                    "package.v1: gatun-operator",
                    "package.v1: gatun")),
        new Case(
            "a default channel that is no channel",
            Rule.ANNOTATIONS_DEFAULT_CHANNEL,
            b ->
                b.replace(
                    "metadata/annotations.yaml",
                    "channel.default.v1: stable",
                    "channel.default.v1: stable-v2")),
        new Case(
            "a channel named alpha",
            Rule.ANNOTATIONS_CHANNEL_NAMES,
            b -> b.replace("metadata/annotations.yaml", ": stable", ": alpha")),
        new Case(
            "a Dockerfile not FROM scratch",
            Rule.DOCKERFILE_LABELS,
            b -> b.replace("bundle.Dockerfile", "FROM scratch", "FROM debian:12")),
        new Case(
            "a Dockerfile label that differs",
            Rule.DOCKERFILE_LABELS,
            b -> b.replace("bundle.Dockerfile", "channels.v1=stable", "channels.v1=fast")),
        new Case(
            "an upper-case name",
            Rule.CSV_NAME,
            b ->
                b.csv(
                    csv ->
                        csv.withObjectProperty("metadata")
                            .put("name", "gatun-operator.v0.1.0-SNAPSHOT"))),
        new Case(
            "name and version differ",
            Rule.CSV_NAME,
            b -> b.csv(csv -> csv.withObjectProperty("spec").put("version", "0.2.0"))),
        new Case(
            "no displayName",
            Rule.CSV_REQUIRED_FIELDS,
            b -> b.csv(csv -> csv.withObjectProperty("spec").remove("displayName"))),
        new Case(
            "no deployment strategy",
            Rule.CSV_REQUIRED_FIELDS,
            b ->
                b.csv(
                    csv ->
                        csv.withObjectProperty("spec")
                            .withObjectProperty("install")
                            .put("strategy", "helm"))),
        new Case(
            "AllNamespaces unsupported",
            Rule.CSV_INSTALL_MODES,
            b ->
                b.csv(
                    csv ->
                        csv.withObjectProperty("spec")
                            .withArrayProperty("installModes")
                            .forEach(
                                m ->
                                    ((ObjectNode) m)
                                        .put(
                                            "supported",
                                            m.path("type").asText().equals("OwnNamespace"))))),
        new Case(
            "no install modes",
            Rule.CSV_INSTALL_MODES,
            b -> b.csv(csv -> csv.withObjectProperty("spec").remove("installModes"))),
        new Case(
            "minKubeVersion 1.20",
            Rule.CSV_MIN_KUBE_VERSION,
            b -> b.csv(csv -> csv.withObjectProperty("spec").put("minKubeVersion", "1.20"))),
        new Case(
            "capabilities misspelled",
            Rule.CSV_CAPABILITIES,
            b -> b.csvAnnotation("capabilities", "Basic install")),
        new Case(
            "a category of our own",
            Rule.CSV_CATEGORIES,
            b -> b.csvAnnotation("categories", "Networking,Load Balancing")),
        new Case(
            "a maintainer without email",
            Rule.CSV_MAINTAINERS,
            b ->
                b.csv(
                    csv ->
                        csv.withObjectProperty("spec")
                            .withArrayProperty("maintainers")
                            .addObject()
                            .put("name", "someone")
                            .put("email", "nobody"))),
        new Case(
            "a link without URL",
            Rule.CSV_LINKS,
            b ->
                b.csv(
                    csv ->
                        csv.withObjectProperty("spec")
                            .withArrayProperty("links")
                            .addObject()
                            .put("name", "Blog")
                            .put("url", "gatun.io/blog"))),
        new Case(
            "two icons",
            Rule.CSV_ICON,
            b ->
                b.csv(
                    csv ->
                        csv.withObjectProperty("spec")
                            .withArrayProperty("icon")
                            .addObject()
                            .put("base64data", "AAAA")
                            .put("mediatype", "image/png"))),
        new Case(
            "an icon of the wrong type",
            Rule.CSV_ICON,
            b ->
                b.csv(
                    csv ->
                        ((ObjectNode)
                                csv.withObjectProperty("spec").withArrayProperty("icon").get(0))
                            .put("mediatype", "image/bmp"))),
        new Case(
            "the operator image not in relatedImages",
            Rule.CSV_RELATED_IMAGES,
            b ->
                b.csv(
                    csv ->
                        csv.withObjectProperty("spec")
                            .withArrayProperty("relatedImages")
                            .remove(0))),
        new Case(
            "a related image that is no reference",
            Rule.CSV_RELATED_IMAGES,
            b ->
                b.csv(
                    csv ->
                        csv.withObjectProperty("spec")
                            .withArrayProperty("relatedImages")
                            .addObject()
                            .put("name", "x")
                            .put("image", "Not An Image"))),
        new Case(
            "olm.skiprange in the wrong case",
            Rule.CSV_ANNOTATION_SPELLING,
            b -> b.renameCsvAnnotation("olm.skipRange", "olm.skiprange")),
        new Case(
            "neither replaces nor skipRange",
            Rule.CSV_UPGRADE_GRAPH,
            b ->
                b.csv(
                    csv ->
                        csv.withObjectProperty("metadata")
                            .withObjectProperty("annotations")
                            .remove("olm.skipRange"))),
        new Case(
            "replaces that is no CSV name",
            Rule.CSV_UPGRADE_GRAPH,
            b -> b.csv(csv -> csv.withObjectProperty("spec").put("replaces", "0.0.9"))),
        new Case(
            "a namespace template without Pod Security",
            Rule.CSV_NAMESPACE_TEMPLATE,
            b ->
                b.csvAnnotation(
                    "operatorframework.io/suggested-namespace-template",
                    "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"gatun-system\"}}")),
        new Case(
            "no cpu request",
            Rule.CSV_CONTAINER_REQUESTS,
            b ->
                b.csv(
                    csv ->
                        b.firstContainer(csv)
                            .withObjectProperty("resources")
                            .withObjectProperty("requests")
                            .remove("cpu"))),
        new Case(
            "alm-examples that is not JSON",
            Rule.EXAMPLES_PARSE,
            b -> b.csvAnnotation("alm-examples", "[{\"kind\": ")),
        new Case(
            "an example of a kind not owned",
            Rule.EXAMPLES_OWNED,
            b ->
                b.addExample(
                    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"},\"spec\":{}}")),
        new Case("no Pool example", Rule.EXAMPLES_EVERY_OWNED, b -> b.removeExamples("Pool")),
        new Case(
            "an example without spec",
            Rule.SCORECARD_CHECK_SPEC,
            b ->
                b.addExample(
                    "{\"apiVersion\":\"lb.gatun.io/v1alpha1\",\"kind\":\"Pool\",\"metadata\":{\"name\":\"x\"}}")),
        new Case(
            "an example key the schema lacks",
            Rule.SCORECARD_KEYS_IN_SCHEMA,
            b ->
                b.addExample(
                    "{\"apiVersion\":\"lb.gatun.io/v1alpha1\",\"kind\":\"Pool\",\"metadata\":{\"name\":\"x\"},\"spec\":{\"addresses\":[\"198.18.0.0/29\"],\"allocation\":{\"colour\":\"red\"}}}")),
        new Case(
            "a spec key without descriptor",
            Rule.SCORECARD_SPEC_DESCRIPTORS,
            b ->
                b.csv(
                    csv -> b.owned(csv, "Pool").withArrayProperty("specDescriptors").removeAll())),
        new Case(
            "an example status without descriptor",
            Rule.SCORECARD_STATUS_DESCRIPTORS,
            b ->
                b.addExample(
                    "{\"apiVersion\":\"lb.gatun.io/v1alpha1\",\"kind\":\"Pool\",\"metadata\":{\"name\":\"x\"},\"spec\":{\"addresses\":[\"198.18.0.0/29\"]},\"status\":{\"nonsense\":1}}")),
        new Case(
            "an owned CRD without resources",
            Rule.SCORECARD_CRD_RESOURCES,
            b -> b.csv(csv -> b.owned(csv, "HealthProbe").remove("resources"))),
        new Case(
            "an owned CRD without spec schema",
            Rule.SCORECARD_CRD_VALIDATION,
            b ->
                b.replace(
                    "manifests/forwarders.lb.gatun.io.yaml",
                    "          spec:\n            type: \"object\"\n",
                    "")),
        new Case(
            "a CRD the CSV does not own",
            Rule.BUNDLE_CRDS_OWNED,
            b ->
                b.csv(
                    csv ->
                        csv.withObjectProperty("spec")
                            .withObjectProperty("customresourcedefinitions")
                            .withArrayProperty("owned")
                            .remove(0))),
        new Case(
            "an owned CRD not in the bundle",
            Rule.BUNDLE_CRDS_OWNED,
            b -> b.remove("manifests/healthprobes.lb.gatun.io.yaml")),
        new Case(
            "the deployment's ServiceAccount shipped",
            Rule.BUNDLE_SERVICE_ACCOUNT,
            b ->
                b.put(
                    "manifests/sa.yaml",
                    "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: gatun-operator}\n")),
        new Case(
            "a conversion webhook",
            Rule.BUNDLE_NO_CONVERSION_WEBHOOK,
            b ->
                b.replace(
                    "manifests/pools.lb.gatun.io.yaml",
                    "spec:\n  group:",
                    "spec:\n  conversion: {strategy: Webhook}\n  group:")),
        new Case(
            "a bundle over 1 MiB",
            Rule.BUNDLE_SIZE,
            b -> b.put("manifests/big.yaml", BrokenBundle.bigConfigMap())),
        new Case(
            "a PodDisruptionBudget in policy/v1beta1",
            Rule.APIS_REMOVED,
            b ->
                b.put(
                    "manifests/pdb.yaml",
                    "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: x}\nspec: {maxUnavailable: 1}\n")),
        new Case(
            "a Role in rbac v1beta1",
            Rule.APIS_REMOVED,
            b ->
                b.put(
                    "manifests/role.yaml",
                    "apiVersion: rbac.authorization.k8s.io/v1beta1\nkind: Role\nmetadata: {name: x}\nrules: []\n")),
        new Case(
            "permission to create CRDs",
            Rule.RBAC_NO_CRD_WRITES,
            b -> b.addClusterRule("apiextensions.k8s.io", "customresourcedefinitions", "create")),
        new Case(
            "permission to patch SCCs",
            Rule.RBAC_NO_SCC,
            b -> b.addClusterRule("security.openshift.io", "securitycontextconstraints", "patch")),
        new Case(
            "a wildcard verb",
            Rule.RBAC_NO_WILDCARDS,
            b -> b.addClusterRule("", "configmaps", "*")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aBrokenBundleFailsNamingTheRule(Case broken) {
    var bundle = new BrokenBundle(BundleValidator.read(bundleDir()));
    broken.breakIt().accept(bundle);

    List<Violation> violations = BundleValidator.validate(bundle.files());

    assertThat(violations).extracting(Violation::rule).contains(broken.rule());
    assertThat(
            violations.stream()
                .filter(v -> v.rule() == broken.rule())
                .findFirst()
                .orElseThrow()
                .toString())
        .startsWith(broken.rule().id() + " ");
  }

  @Test
  void everyRuleHasABrokenBundleCase() {
    assertThat(cases().map(Case::rule).collect(Collectors.toSet()))
        .as("rules that cases() never shows failing")
        .isEqualTo(EnumSet.allOf(Rule.class));
  }
}
