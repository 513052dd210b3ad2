package io.gatun.operator.ipam;

/** Who holds addresses: a LoadBalancer, by namespace and name. */
public record Owner(String namespace, String name) implements Comparable<Owner> {

  @Override
  public int compareTo(Owner other) {
    int byNamespace = namespace.compareTo(other.namespace);
    return byNamespace != 0 ? byNamespace : name.compareTo(other.name);
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
