package io.gatun.bundle;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.ClusterServiceVersion;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.StrategyDeploymentPermissions;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.StrategyDeploymentSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What OLM creates from a CSV's install strategy, for installing "the way OLM would" where OLM is
 * absent (tests, a node without OLM): per ServiceAccount a Role and RoleBinding in the install
 * namespace ({@code permissions}) and a ClusterRole and ClusterRoleBinding ({@code
 * clusterPermissions}), and the Deployments. Together with olm-bundle/manifests minus the CSV (CRDs
 * first, then the Service in the install namespace) that is the whole installation.
 */
public final class OlmInstall {

  private OlmInstall() {}

  public static ClusterServiceVersion csv(String yaml) {
    return Project.SERIALIZATION.unmarshal(yaml, ClusterServiceVersion.class);
  }

  /** The objects OLM would create for the CSV in {@code namespace}, in creation order. */
  public static List<HasMetadata> objects(ClusterServiceVersion csv, String namespace) {
    var strategy = csv.getSpec().getInstall().getSpec();
    String owner = csv.getMetadata().getName();
    var objects = new ArrayList<HasMetadata>();
    var accounts = new LinkedHashSet<String>();
    strategy.getPermissions().forEach(p -> accounts.add(p.getServiceAccountName()));
    strategy.getClusterPermissions().forEach(p -> accounts.add(p.getServiceAccountName()));
    for (String account : accounts) {
      objects.add(
          new ServiceAccountBuilder()
              .withNewMetadata()
              .withName(account)
              .withNamespace(namespace)
              .endMetadata()
              .build());
    }
    for (StrategyDeploymentPermissions grant : strategy.getPermissions()) {
      String name = owner + "-" + grant.getServiceAccountName();
      objects.add(
          new RoleBuilder()
              .withNewMetadata()
              .withName(name)
              .withNamespace(namespace)
              .endMetadata()
              .withRules(grant.getRules())
              .build());
      objects.add(
          new RoleBindingBuilder()
              .withNewMetadata()
              .withName(name)
              .withNamespace(namespace)
              .endMetadata()
              .withNewRoleRef("rbac.authorization.k8s.io", "Role", name)
              .addNewSubject()
              .withKind("ServiceAccount")
              .withName(grant.getServiceAccountName())
              .withNamespace(namespace)
              .endSubject()
              .build());
    }
    for (StrategyDeploymentPermissions grant : strategy.getClusterPermissions()) {
      String name = owner + "-" + grant.getServiceAccountName();
      objects.add(
          new ClusterRoleBuilder()
              .withNewMetadata()
              .withName(name)
              .endMetadata()
              .withRules(grant.getRules())
              .build());
      objects.add(
          new ClusterRoleBindingBuilder()
              .withNewMetadata()
              .withName(name)
              .endMetadata()
              .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", name)
              .addNewSubject()
              .withKind("ServiceAccount")
              .withName(grant.getServiceAccountName())
              .withNamespace(namespace)
              .endSubject()
              .build());
    }
    for (StrategyDeploymentSpec deployment : strategy.getDeployments()) {
      objects.add(
          new DeploymentBuilder()
              .withNewMetadata()
              .withName(deployment.getName())
              .withNamespace(namespace)
              .withLabels(deployment.getLabel())
              .endMetadata()
              .withSpec(deployment.getSpec())
              .build());
    }
    return objects;
  }
}
