package io.gatun.operator.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

class CertificatesTest {

  private static final Duration YEAR = Duration.ofDays(365);

  @Test
  void theJdkReadsWhatWasEncodedAndTheChainVerifies() throws Exception {
    var ca = Certificates.authority("test-ca", YEAR);
    var server =
        Certificates.issue(
            ca, "gatun-operator", Certificates.Role.SERVER, List.of("op.ns.svc"), YEAR);

    X509Certificate c = server.certificate();
    c.checkValidity();
    c.verify(ca.certificate().getPublicKey());
    ca.certificate().verify(ca.certificate().getPublicKey());
    assertThat(c.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
    assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=gatun-operator");
    assertThat(c.getVersion()).isEqualTo(3);
    assertThat(c.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    assertThat(ca.certificate().getBasicConstraints()).as("a CA").isEqualTo(Integer.MAX_VALUE);
    assertThat(ca.certificate().getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(c.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(c.getSubjectAlternativeNames()).containsExactly(List.of(2, "op.ns.svc"));
    assertThat(c.getNotAfter().getTime() - c.getNotBefore().getTime())
        .as("validity plus the backdating")
        .isGreaterThanOrEqualTo(YEAR.toMillis());
  }

  @Test
  void pemRoundTrips() {
    var ca = Certificates.authority("test-ca", YEAR);
    var back = Certificates.parse(ca.certificatePem(), ca.keyPem());
    assertThat(back.certificate()).isEqualTo(ca.certificate());
    assertThat(back.key().getEncoded()).isEqualTo(ca.key().getEncoded());
    assertThat(ca.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n");
  }

  /**
   * What the control channel does with them: the client checks the server's name and chain, the
   * server requires the client's certificate from the same CA.
   */
  @Test
  void aMutualTlsHandshakeSucceedsWithTheIssuedPair() throws Exception {
    var ca = Certificates.authority("test-ca", YEAR);
    var server =
        Certificates.issue(
            ca, "gatun-operator", Certificates.Role.SERVER, List.of("localhost"), YEAR);
    var client =
        Certificates.issue(ca, "gatun-forwarder", Certificates.Role.CLIENT, List.of(), YEAR);

    SSLContext serverContext = context(server, ca);
    SSLContext clientContext = context(client, ca);
    try (var listener =
        (SSLServerSocket) serverContext.getServerSocketFactory().createServerSocket(0)) {
      listener.setNeedClientAuth(true);
      var served =
          CompletableFuture.supplyAsync(
              () -> {
                try (var s = (SSLSocket) listener.accept();
                    InputStream in = s.getInputStream()) {
                  int b = in.read();
                  var peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
                  return peer.getSubjectX500Principal().getName() + ":" + b;
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      try (var s =
          (SSLSocket)
              clientContext.getSocketFactory().createSocket("localhost", listener.getLocalPort())) {
        var parameters = s.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the name is checked
        parameters.setServerNames(List.of(new SNIHostName("localhost")));
        s.setSSLParameters(parameters);
        OutputStream out = s.getOutputStream();
        out.write(7);
        out.flush();
        assertThat(served.get(30, TimeUnit.SECONDS)).isEqualTo("CN=gatun-forwarder:7");
      }
    }
  }

  private static SSLContext context(Certificates.Issued own, Certificates.Issued ca)
      throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "own", own.key(), new char[0], new Certificate[] {own.certificate(), ca.certificate()});
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());
    var kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    var tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }
}
