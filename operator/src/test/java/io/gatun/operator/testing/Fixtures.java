package io.gatun.operator.testing;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.gatun.operator.api.Backends;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.api.LoadBalancerSpec;
import io.gatun.operator.api.Protocol;
import io.gatun.operator.api.StaticBackend;
import java.util.Arrays;
import java.util.List;

/** Small builders for the objects reconciler stages take. */
public final class Fixtures {

  private Fixtures() {}

  public static LoadBalancerPort port(
      String name, Protocol protocol, int port, Integer targetPort) {
    return new LoadBalancerPort(name, protocol, port, targetPort);
  }

  public static LoadBalancerPort tcp(String name, int port, Integer targetPort) {
    return port(name, Protocol.TCP, port, targetPort);
  }

  public static LoadBalancerPort udp(String name, int port, Integer targetPort) {
    return port(name, Protocol.UDP, port, targetPort);
  }

  public static Backends staticBackends(String... addresses) {
    return new Backends(
        null, Arrays.stream(addresses).map(a -> new StaticBackend(a, null, null)).toList());
  }

  public static Backends service(String name) {
    return new Backends(name, null);
  }

  public static LoadBalancerSpec spec(Backends backends, LoadBalancerPort... ports) {
    return new LoadBalancerSpec("demo", null, List.of(ports), backends, null, null);
  }

  public static LoadBalancer loadBalancer(String name, LoadBalancerSpec spec) {
    var lb = new LoadBalancer();
    lb.setMetadata(
        new ObjectMetaBuilder().withNamespace("default").withName(name).withGeneration(1L).build());
    lb.setSpec(spec);
    return lb;
  }

  /**
   * A slice with the given ports ("name/PROTOCOL/port") and endpoints ("address" or "address!" =
   * not ready).
   */
  public static EndpointSlice slice(String name, List<String> ports, String... endpoints) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withAddressType("IPv4")
        .withPorts(
            ports.stream()
                .map(p -> p.split("/"))
                .map(
                    p ->
                        new EndpointPortBuilder()
                            .withName(p[0])
                            .withProtocol(p[1])
                            .withPort(Integer.parseInt(p[2]))
                            .build())
                .toList())
        .withEndpoints(
            Arrays.stream(endpoints)
                .map(
                    e ->
                        new EndpointBuilder()
                            .withAddresses(e.replace("!", ""))
                            .withNewConditions()
                            .withReady(!e.endsWith("!"))
                            .endConditions()
                            .build())
                .toList())
        .build();
  }
}
