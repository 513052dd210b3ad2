package io.gatun.operator.forwarderset;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Where the operator serves ForwarderSets, which forwarder image they get by default and which FRR
 * image runs beside each forwarder.
 *
 * @param namespace the one namespace whose ForwarderSets are rendered (the operator's own: its RBAC
 *     on DaemonSets and ConfigMaps is a Role there, not cluster-wide)
 * @param defaultImage the image of a ForwarderSet without {@code spec.image}
 * @param frrImage the FRR image beside every forwarder (the pod's {@code frr} container)
 */
public record ForwarderSetOptions(String namespace, String defaultImage, String frrImage) {

  /** With the FRR image of this very version. */
  public ForwarderSetOptions(String namespace, String defaultImage) {
    this(namespace, defaultImage, "docker.io/gatun/frr:" + version());
  }

  private static final Path SERVICE_ACCOUNT_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  /** In a pod: its namespace; elsewhere gatun-system. The image of this very version. */
  public static ForwarderSetOptions fromEnvironment() {
    String namespace = "gatun-system";
    try {
      if (Files.isReadable(SERVICE_ACCOUNT_NAMESPACE)) {
        namespace = Files.readString(SERVICE_ACCOUNT_NAMESPACE).strip();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + SERVICE_ACCOUNT_NAMESPACE, e);
    }
    return new ForwarderSetOptions(namespace, "docker.io/gatun/forwarder:" + version());
  }

  public ForwarderSetOptions withNamespace(String value) {
    return new ForwarderSetOptions(value, defaultImage, frrImage);
  }

  public ForwarderSetOptions withDefaultImage(String value) {
    return new ForwarderSetOptions(namespace, value, frrImage);
  }

  public ForwarderSetOptions withFrrImage(String value) {
    return new ForwarderSetOptions(namespace, defaultImage, value);
  }

  /** The operator's version, as the build wrote it (the images are tagged with it). */
  public static String version() {
    try (InputStream in =
        ForwarderSetOptions.class.getResourceAsStream("/gatun-version.properties")) {
      if (in == null) {
        throw new IllegalStateException("gatun-version.properties is missing from the build");
      }
      var properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
