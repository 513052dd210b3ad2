package io.gatun.operator.it;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatun.operator.GatunOperator;
import io.gatun.operator.testing.Crds;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What most ITs start from: the real kube-apiserver of the subclass's {@code @EnableKubeAPIServer}
 * (which injects {@link #client}, inherited fields included), Gatun's CRDs, and one operator with
 * default options. Test classes run one after another, so the static fields belong to the class
 * running.
 */
abstract class RunningOperator {

  static KubernetesClient client;
  static Cluster cluster;
  static GatunOperator operator;

  @BeforeAll
  static void startOperator() throws Exception {
    Crds.install(client);
    cluster = new Cluster(client);
    operator = Cluster.startOperator(client);
  }

  @AfterAll
  static void stopOperator() {
    operator.close();
  }
}
