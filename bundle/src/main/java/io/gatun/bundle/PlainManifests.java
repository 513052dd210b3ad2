package io.gatun.bundle;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * deploy/ for clusters without OLM, from the same sources as the bundle: {@code kubectl apply -k
 * deploy/} (namespace, CRDs, RBAC, operator) or {@code kubectl apply -f deploy/gatun.yaml}, the
 * same objects in one file. deploy/rbac.yaml is the hand-written source both read; the CRDs are
 * copied into deploy/crds.yaml because kustomize loads no file outside its directory.
 */
public final class PlainManifests {

  public static final String DIR = "deploy";
  static final String RBAC = "rbac.yaml";

  private PlainManifests() {}

  /** File → text, paths relative to deploy/ (rbac.yaml is read, not written). */
  public static SortedMap<String, String> files(Project project) {
    String namespace =
        Yaml.header("The operator's namespace: Pod Security \"privileged\" for the forwarder pods")
            + Yaml.of(
                new NamespaceBuilder()
                    .withNewMetadata()
                    .withName(Project.NAMESPACE)
                    .withLabels(ClusterServiceVersions.POD_SECURITY_LABELS)
                    .endMetadata()
                    .build());
    String crds =
        Yaml.header("The CRDs of crds/ (generated from the Java model), in one file")
            + Yaml.stream(List.copyOf(project.crdFiles().values()));
    String operator =
        Yaml.header("The operator Deployment (as the CSV installs it) and its Service")
            + Yaml.stream(
                List.of(
                    Yaml.of(OperatorDeployment.deployment(project, Project.NAMESPACE)),
                    Yaml.of(OperatorDeployment.service(Project.NAMESPACE))));
    var files = new TreeMap<String, String>();
    files.put("namespace.yaml", namespace);
    files.put("crds.yaml", crds);
    files.put("operator.yaml", operator);
    files.put(
        "kustomization.yaml",
        Yaml.header("kubectl apply -k deploy/: Gatun without OLM")
            + """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources:
              - namespace.yaml
              - crds.yaml
              - rbac.yaml
              - operator.yaml
            """);
    var all = new ArrayList<String>();
    all.add(namespace);
    all.addAll(Project.documents(crds));
    all.addAll(Project.documents(project.rbacYaml()));
    all.add(operator);
    files.put(
        "gatun.yaml",
        Yaml.header("Gatun without OLM, in one file: kubectl apply -f deploy/gatun.yaml")
            + Yaml.stream(all.stream().map(PlainManifests::withoutComments).toList()));
    return files;
  }

  /** A document's YAML lines without the comment lines its file started with. */
  private static String withoutComments(String document) {
    return String.join(
            "\n", document.lines().dropWhile(l -> l.isBlank() || l.startsWith("#")).toList())
        + "\n";
  }
}
