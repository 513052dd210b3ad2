package io.gatun.operator.ipam;

/**
 * Owners that may hold one address together (when their ports do not overlap): same namespace, same
 * sharing key, and the same backends when traffic must stay node-local.
 *
 * @param backendKey empty unless the owners' backends decide where the VIP may be announced
 *     (externalTrafficPolicy Local): then owners must agree on them, as MetalLB requires
 */
public record SharingGroup(String namespace, String key, String backendKey) {

  @Override
  public String toString() {
    return namespace + "/" + key;
  }
}
