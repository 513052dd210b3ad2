package io.gatun.operator.tls;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The control channel's own small PKI: a CA, the operator's server certificate and the forwarders'
 * client certificate, made when nobody (cert-manager, an administrator) provided them. RSA 2048
 * with SHA-256 (fabric8 and the JDK read PKCS#8 RSA keys without Bouncy Castle; EC keys they do
 * not), PEM as {@code kubectl create secret tls} and cert-manager write it.
 */
public final class Certificates {

  /** What a certificate is for: its basic constraints, key usage and extended key usage. */
  public enum Role {
    CA,
    SERVER,
    CLIENT
  }

  /** A certificate and its private key. */
  public record Issued(X509Certificate certificate, PrivateKey key) {

    public String certificatePem() {
      try {
        return pem("CERTIFICATE", certificate.getEncoded());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("a certificate this class made does not encode", e);
      }
    }

    /** PKCS#8, "BEGIN PRIVATE KEY". */
    public String keyPem() {
      return pem("PRIVATE KEY", key.getEncoded());
    }
  }

  private static final String SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
  private static final String COMMON_NAME = "2.5.4.3";
  private static final String BASIC_CONSTRAINTS = "2.5.29.19";
  private static final String KEY_USAGE = "2.5.29.15";
  private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
  private static final String SUBJECT_ALT_NAME = "2.5.29.17";
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  /** Clocks of nodes differ: a certificate is valid from a little before it was made. */
  private static final Duration BACKDATE = Duration.ofHours(1);

  private static final SecureRandom RANDOM = new SecureRandom();

  private Certificates() {}

  /** A self-signed CA. */
  public static Issued authority(String commonName, Duration validity) {
    KeyPair keys = rsa();
    return new Issued(
        sign(commonName, name(commonName), keys, keys.getPrivate(), Role.CA, List.of(), validity),
        keys.getPrivate());
  }

  /** A server or client certificate signed by {@code ca}, with these DNS names. */
  public static Issued issue(
      Issued ca, String commonName, Role role, List<String> dnsNames, Duration validity) {
    if (role == Role.CA) {
      throw new IllegalArgumentException("use authority() for a CA");
    }
    KeyPair keys = rsa();
    // The issuer is the CA's subject exactly as encoded: chains are built by comparing them.
    byte[] issuer = ca.certificate().getSubjectX500Principal().getEncoded();
    return new Issued(
        sign(commonName, issuer, keys, ca.key(), role, dnsNames, validity), keys.getPrivate());
  }

  /** Reads back what {@link Issued#certificatePem()} and {@link Issued#keyPem()} wrote. */
  public static Issued parse(String certificatePem, String keyPem) {
    try {
      var certificate =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(
                      new ByteArrayInputStream(certificatePem.getBytes(StandardCharsets.US_ASCII)));
      String body = keyPem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      PrivateKey key =
          KeyFactory.getInstance("RSA")
              .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
      return new Issued(certificate, key);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "not a PEM certificate and PKCS#8 RSA key: " + e.getMessage(), e);
    }
  }

  private static X509Certificate sign(
      String subject,
      byte[] issuer,
      KeyPair keys,
      PrivateKey signer,
      Role role,
      List<String> dnsNames,
      Duration validity) {
    ZonedDateTime now = ZonedDateTime.now();
    byte[] algorithm = Der.sequence(Der.oid(SHA256_WITH_RSA), Der.nul());
    byte[] tbs =
        Der.sequence(
            Der.explicit(0, Der.integer(BigInteger.TWO)), // v3
            Der.integer(serial()),
            algorithm,
            issuer,
            Der.sequence(Der.time(now.minus(BACKDATE)), Der.time(now.plus(validity))),
            name(subject),
            keys.getPublic().getEncoded(), // SubjectPublicKeyInfo, already DER
            Der.explicit(3, Der.sequence(extensions(role, dnsNames))));
    try {
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(signer);
      signature.update(tbs);
      byte[] certificate = Der.sequence(tbs, algorithm, Der.bitString(0, signature.sign()));
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(certificate));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a certificate for " + subject, e);
    }
  }

  private static byte[][] extensions(Role role, List<String> dnsNames) {
    var extensions = new ArrayList<byte[]>();
    boolean ca = role == Role.CA;
    extensions.add(
        extension(BASIC_CONSTRAINTS, true, ca ? Der.sequence(Der.bool(true)) : Der.sequence()));
    // keyUsage bits: digitalSignature (0), keyEncipherment (2); keyCertSign (5), cRLSign (6).
    extensions.add(
        extension(
            KEY_USAGE,
            true,
            ca
                ? Der.bitString(1, new byte[] {(byte) 0x06})
                : Der.bitString(5, new byte[] {(byte) 0xa0})));
    if (!ca) {
      extensions.add(
          extension(
              EXTENDED_KEY_USAGE,
              false,
              Der.sequence(Der.oid(role == Role.SERVER ? SERVER_AUTH : CLIENT_AUTH))));
    }
    if (!dnsNames.isEmpty()) {
      byte[][] names =
          dnsNames.stream()
              .map(n -> Der.implicit(2, n.getBytes(StandardCharsets.US_ASCII)))
              .toArray(byte[][]::new);
      extensions.add(extension(SUBJECT_ALT_NAME, false, Der.sequence(names)));
    }
    return extensions.toArray(byte[][]::new);
  }

  private static byte[] extension(String oid, boolean critical, byte[] value) {
    return critical
        ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
        : Der.sequence(Der.oid(oid), Der.octetString(value));
  }

  private static byte[] name(String commonName) {
    return Der.sequence(Der.set(Der.sequence(Der.oid(COMMON_NAME), Der.utf8(commonName))));
  }

  /** Positive, 127 random bits (RFC 5280: at most 20 octets, unpredictable). */
  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).setBit(126);
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA is part of every JDK", e);
    }
  }

  private static String pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
