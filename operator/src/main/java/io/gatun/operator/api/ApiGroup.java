package io.gatun.operator.api;

/** Names shared by every Gatun resource. */
public final class ApiGroup {
  public static final String GROUP = "lb.gatun.io";
  public static final String VERSION = "v1alpha1";

  /** {@code kubectl get gatun} lists every Gatun resource. */
  public static final String CATEGORY = "gatun";

  /** The {@code spec.loadBalancerClass} of the Services Gatun serves. */
  public static final String LOAD_BALANCER_CLASS = GROUP + "/dpdk";

  private ApiGroup() {}
}
