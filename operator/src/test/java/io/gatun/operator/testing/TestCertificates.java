package io.gatun.operator.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A throw-away PKI made with openssl: a CA, the operator's server certificate (for 127.0.0.1 and
 * localhost), a forwarder's client certificate from that CA, and a rogue client certificate from
 * another CA. PEM files, keys in PKCS#8, as cert-manager and kubectl write them.
 */
public record TestCertificates(Path directory) {

  public static TestCertificates create() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("gatun-pki");
    var pki = new TestCertificates(dir);
    pki.ca("ca");
    pki.ca("rogue-ca");
    pki.leaf("server", "ca", "/CN=gatun-operator", "subjectAltName=IP:127.0.0.1,DNS:localhost");
    pki.leaf("client", "ca", "/CN=fwd-1", "extendedKeyUsage=clientAuth");
    pki.leaf("rogue", "rogue-ca", "/CN=fwd-1", "extendedKeyUsage=clientAuth");
    return pki;
  }

  public Path file(String name) {
    return directory.resolve(name);
  }

  private void ca(String name) throws IOException, InterruptedException {
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=" + name,
        "-keyout",
        name + ".key",
        "-out",
        name + ".crt");
  }

  private void leaf(String name, String ca, String subject, String extension)
      throws IOException, InterruptedException {
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        subject,
        "-keyout",
        name + ".key",
        "-out",
        name + ".csr");
    Files.writeString(file(name + ".ext"), extension + "\n");
    openssl(
        "x509",
        "-req",
        "-in",
        name + ".csr",
        "-CA",
        ca + ".crt",
        "-CAkey",
        ca + ".key",
        "-CAcreateserial",
        "-days",
        "2",
        "-out",
        name + ".crt",
        "-extfile",
        name + ".ext");
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    var command = new ArrayList<String>(List.of("openssl"));
    command.addAll(List.of(args));
    var process =
        new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IOException("openssl " + String.join(" ", args) + " failed: " + output);
    }
  }
}
