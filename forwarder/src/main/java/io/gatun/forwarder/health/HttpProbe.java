package io.gatun.forwarder.health;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * One HTTP/1.1 request per probe on a fresh connection ({@code Connection: close}), judged by the
 * status line alone. Written on sockets rather than {@code HttpClient} because a health check needs
 * what that client withholds: any Host header, any method, SNI and verification chosen per check,
 * and one deadline over connect, handshake and answer.
 */
final class HttpProbe implements Probe {
  private static final int MAX_STATUS_LINE = 8192;

  private final boolean tls;
  private final SSLContext verifying;
  private final SSLContext trustingAll;

  /**
   * @param verifying checks the backend's certificate chain and name ({@code
   *     SSLContext.getDefault()} in the agent: the JVM's trust store)
   */
  HttpProbe(boolean tls, SSLContext verifying) {
    this.tls = tls;
    this.verifying = verifying;
    this.trustingAll = tls ? trustingAll() : null;
  }

  @Override
  public ProbeResult check(InetSocketAddress target, HealthCheckSpec spec) {
    long started = System.nanoTime();
    long deadline = started + spec.timeout().toNanos();
    Socket socket = new Socket();
    try (socket) {
      socket.connect(target, Failures.millisLeft(deadline));
      Socket stream = tls ? handshake(socket, target, spec, deadline) : socket;
      try (stream) {
        stream.getOutputStream().write(request(target, spec));
        stream.setSoTimeout(Failures.millisLeft(deadline));
        String statusLine = readStatusLine(stream.getInputStream());
        int status = status(statusLine);
        if (status < 0) {
          return ProbeResult.failure("not an HTTP answer: " + abbreviate(statusLine), started);
        }
        return spec.expectsStatus(status)
            ? ProbeResult.success("HTTP " + status, started)
            : ProbeResult.failure(
                "HTTP " + status + " not in " + spec.expectedStatusText(), started);
      }
    } catch (IOException e) {
      return ProbeResult.failure(Failures.describe(e, spec.timeout()), started);
    }
  }

  private Socket handshake(
      Socket socket, InetSocketAddress target, HealthCheckSpec spec, long deadline)
      throws IOException {
    String name = serverName(spec);
    SSLContext context = spec.tlsSkipVerify() ? trustingAll : verifying;
    SSLSocket ssl =
        (SSLSocket)
            context
                .getSocketFactory()
                .createSocket(
                    socket,
                    name != null ? name : target.getAddress().getHostAddress(),
                    target.getPort(),
                    true);
    SSLParameters parameters = ssl.getSSLParameters();
    if (!spec.tlsSkipVerify()) {
      parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the name, not only the chain
    }
    if (name != null) {
      parameters.setServerNames(List.of(new SNIHostName(name)));
    }
    ssl.setSSLParameters(parameters);
    ssl.setSoTimeout(Failures.millisLeft(deadline));
    ssl.startHandshake();
    return ssl;
  }

  /** The TLS server name: the check's SNI, else its Host header's name; never an address. */
  private static String serverName(HealthCheckSpec spec) {
    String name = spec.tlsServerName();
    if (name.isEmpty()) {
      name = hostWithoutPort(spec.httpHost());
    }
    return name.isEmpty() || isAddressLiteral(name) ? null : name;
  }

  private static byte[] request(InetSocketAddress target, HealthCheckSpec spec) {
    String host = spec.httpHost();
    if (host.isEmpty()) {
      String address = target.getAddress().getHostAddress();
      host = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
      int defaultPort = spec.type() == io.gatun.control.v1.HealthCheck.Type.HTTPS ? 443 : 80;
      if (target.getPort() != defaultPort) {
        host += ":" + target.getPort();
      }
    }
    String head =
        spec.httpMethod()
            + " "
            + spec.httpPath()
            + " HTTP/1.1\r\nHost: "
            + host
            + "\r\nUser-Agent: gatun-health-probe\r\nAccept: */*\r\nConnection: close\r\n\r\n";
    return head.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String readStatusLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n' && line.size() < MAX_STATUS_LINE) {
      line.write(b);
    }
    return line.toString(StandardCharsets.ISO_8859_1).strip();
  }

  /** {@code HTTP/1.1 503 Service Unavailable} → 503; -1 when not a status line. */
  static int status(String line) {
    String[] parts = line.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("\\d{3}")) {
      return -1;
    }
    return Integer.parseInt(parts[1]);
  }

  private static String hostWithoutPort(String host) {
    if (host.startsWith("[")) {
      return host.substring(1, Math.max(1, host.indexOf(']')));
    }
    int colon = host.indexOf(':');
    return colon >= 0 && host.indexOf(':', colon + 1) < 0 ? host.substring(0, colon) : host;
  }

  private static boolean isAddressLiteral(String name) {
    return name.matches("[0-9.]+") || name.indexOf(':') >= 0;
  }

  private static String abbreviate(String s) {
    return s.isEmpty() ? "(connection closed)" : s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  /** For {@code tlsSkipVerify}: the user asked for encryption without authentication. */
  private static SSLContext trustingAll() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new TrustingAll()}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JVM", e);
    }
  }

  private static final class TrustingAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
