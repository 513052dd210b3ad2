package io.gatun.operator.control;

import io.gatun.control.v1.Backend;
import io.gatun.control.v1.VirtualService;
import io.gatun.operator.ipam.Owner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A random LoadBalancer's services, for the property tests of the desired state's deltas. */
final class RandomServices {
  private RandomServices() {}

  /**
   * One or two ports (80, 81) of {@code vip}, keyed as the operator keys them, each with one to
   * three backends 10.0.x.y:8080 (a few shared between services, some draining); each backend's
   * node (node-a or node-b) goes into {@code backendNodes}.
   */
  static List<VirtualService> of(
      Owner owner, String vip, Random random, Map<String, String> backendNodes) {
    var services = new ArrayList<VirtualService>();
    int ports = 1 + random.nextInt(2);
    for (int p = 0; p < ports; p++) {
      var service =
          VirtualService.newBuilder()
              .setKey(owner.namespace() + "/" + owner.name() + "/" + (80 + p))
              .setVip(vip)
              .setPort(80 + p);
      int backends = 1 + random.nextInt(3);
      for (int b = 0; b < backends; b++) {
        String address = "10.0." + random.nextInt(4) + "." + (1 + random.nextInt(250));
        service.addBackends(
            Backend.newBuilder()
                .setAddress(address)
                .setPort(8080)
                .setDraining(random.nextInt(5) == 0));
        backendNodes.put(address, random.nextBoolean() ? "node-a" : "node-b");
      }
      services.add(service.build());
    }
    return services;
  }
}
