package io.gatun.bundle;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator's permissions as deploy/rbac.yaml grants them, the one source: its ClusterRoles'
 * rules become the CSV's {@code clusterPermissions}, its Roles' (in the operator's namespace)
 * {@code permissions}; OLM then creates the ServiceAccount, roles and bindings itself. The file
 * stays hand-written because every rule is commented with the call that needs it and RbacIT runs
 * the operator under exactly these rules. Other ServiceAccounts there (the forwarder pods' own,
 * which has no role) are not the operator's: they travel as bundle manifests of their own.
 *
 * @param otherAccounts the ServiceAccounts that are not the operator's, as the file declares them
 */
public record OperatorRbac(
    String serviceAccount,
    List<PolicyRule> clusterRules,
    List<PolicyRule> namespaceRules,
    List<ServiceAccount> otherAccounts) {

  public static OperatorRbac of(List<HasMetadata> objects) {
    String account = null;
    var others = new ArrayList<ServiceAccount>();
    var cluster = new ArrayList<PolicyRule>();
    var namespaced = new ArrayList<PolicyRule>();
    for (HasMetadata object : objects) {
      switch (object) {
        case ServiceAccount sa -> {
          require(
              Project.NAMESPACE.equals(sa.getMetadata().getNamespace()),
              "deploy/rbac.yaml: ServiceAccount "
                  + sa.getMetadata().getName()
                  + " must be in "
                  + Project.NAMESPACE);
          if (Project.NAME.equals(sa.getMetadata().getName())) {
            require(account == null, "deploy/rbac.yaml declares " + Project.NAME + " twice");
            account = Project.NAME;
          } else {
            others.add(sa);
          }
        }
        case ClusterRole role -> cluster.addAll(role.getRules());
        case Role role -> {
          require(
              Project.NAMESPACE.equals(role.getMetadata().getNamespace()),
              "deploy/rbac.yaml: Role "
                  + role.getMetadata().getName()
                  + " must be in the operator's namespace "
                  + Project.NAMESPACE
                  + " (a CSV grants namespaced rules there only)");
          namespaced.addAll(role.getRules());
        }
        case ClusterRoleBinding binding -> requireBindsAccount(binding.getSubjects(), object);
        case RoleBinding binding -> requireBindsAccount(binding.getSubjects(), object);
        default ->
            throw new IllegalArgumentException(
                "deploy/rbac.yaml: unexpected "
                    + object.getKind()
                    + " "
                    + object.getMetadata().getName()
                    + "; it holds the ServiceAccount, roles and bindings only");
      }
    }
    require(account != null, "deploy/rbac.yaml has no ServiceAccount " + Project.NAME);
    return new OperatorRbac(
        account, List.copyOf(cluster), List.copyOf(namespaced), List.copyOf(others));
  }

  private static void requireBindsAccount(List<Subject> subjects, HasMetadata binding) {
    require(
        subjects != null
            && subjects.size() == 1
            && "ServiceAccount".equals(subjects.getFirst().getKind())
            && Project.NAME.equals(subjects.getFirst().getName()),
        "deploy/rbac.yaml: "
            + binding.getKind()
            + " "
            + binding.getMetadata().getName()
            + " must bind the ServiceAccount "
            + Project.NAME
            + " and nothing else");
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
