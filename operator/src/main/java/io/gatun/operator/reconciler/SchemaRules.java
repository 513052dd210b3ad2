package io.gatun.operator.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gatun.operator.schema.CrdRules;
import java.util.List;

/**
 * The CEL rules of one kind's CRD, applied to its objects; what Kubernetes 1.25+ enforces at
 * admission and older servers let through.
 */
final class SchemaRules {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final CrdRules rules;

  SchemaRules(CrdRules rules) {
    this.rules = rules;
  }

  static SchemaRules forKind(Class<? extends HasMetadata> kind) {
    return new SchemaRules(CrdRules.forCrd(HasMetadata.getFullResourceName(kind)));
  }

  /** "path: message" for every rule the object breaks. */
  List<String> check(HasMetadata object) {
    return rules.check(SERIALIZATION.convertValue(object, JsonNode.class));
  }
}
