package io.gatun.operator.service;

import io.fabric8.kubernetes.api.model.Service;
import io.gatun.operator.api.LoadBalancer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * Whether a Service is Gatun's to serve: of its class, and not deleted. When it is not, the
 * workflow deletes the LoadBalancer generated from it.
 */
record OfGatunsClass(ServiceClass serviceClass) implements Condition<LoadBalancer, Service> {

  @Override
  public boolean isMet(
      DependentResource<LoadBalancer, Service> generated,
      Service service,
      Context<Service> context) {
    return holds(service, context);
  }

  boolean holds(Service service, Context<Service> context) {
    return !context.isPrimaryResourceDeleted() && serviceClass.serves(service);
  }
}
