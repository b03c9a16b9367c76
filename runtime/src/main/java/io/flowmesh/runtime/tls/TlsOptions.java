package io.flowmesh.runtime.tls;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * TLS for one kind of connection, from PEM files. A server presents {@code cert}/{@code key} and,
 * when {@code mutual}, requires a client certificate signed by {@code ca}. A client verifies the
 * server against {@code ca} (the JVM's trust store when unset) and presents {@code cert}/{@code key}
 * when they are set. HTTP/2 is negotiated with ALPN.
 *
 * @param enabled off: plain text (h2c), and every other field is ignored
 * @param cert PEM certificate chain of this side, or null
 * @param key PEM private key (PKCS#8 or PKCS#1) of this side, or null
 * @param ca PEM certificates trusted for the peer, or null for the JVM's trust store
 * @param mutual servers require a client certificate
 * @param verifyHost clients check the server certificate's name against the host dialled
 */
public record TlsOptions(boolean enabled, String cert, String key, String ca, boolean mutual, boolean verifyHost) {

  /** TLS off. */
  public static final TlsOptions OFF = new TlsOptions(false, null, null, null, false, true);

  /**
   * What is wrong for a side that serves ({@code server}) or dials; one line per problem, each
   * naming the key (under {@code prefix}, e.g. {@code tls} or {@code udf.tls}).
   */
  public List<String> problems(String prefix, boolean server) {
    List<String> bad = new ArrayList<>();
    if (!enabled) {
      return bad;
    }
    if (server && (cert == null || key == null)) {
      bad.add(prefix + ".cert and " + prefix + ".key: both are required when " + prefix + ".enabled=true on a service that serves");
    }
    if ((cert == null) != (key == null)) {
      bad.add(prefix + ".cert and " + prefix + ".key: give both or neither");
    }
    if (mutual && ca == null) {
      bad.add(prefix + ".ca: required when " + prefix + ".mutual=true (the CA that signs the peers' certificates)");
    }
    if (mutual && !server && cert == null) {
      bad.add(prefix + ".cert and " + prefix + ".key: required when " + prefix + ".mutual=true (this side must present a certificate)");
    }
    readable(bad, prefix + ".cert", cert);
    readable(bad, prefix + ".key", key);
    readable(bad, prefix + ".ca", ca);
    return bad;
  }

  /** How a problem about a file this machine does not have ends (see {@link #problems}). */
  public static final String NO_READABLE_FILE = ": no readable file there";

  private static void readable(List<String> bad, String key, String path) {
    if (path != null && !Files.isReadable(Path.of(path))) {
      bad.add(key + "='" + path + "'" + NO_READABLE_FILE);
    }
  }

  /** Applies to a server's options (no change when disabled). */
  public HttpServerOptions applyTo(HttpServerOptions o) {
    if (!enabled) {
      return o;
    }
    o.setSsl(true).setUseAlpn(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert).setKeyPath(key));
    if (ca != null) {
      o.setTrustOptions(new PemTrustOptions().addCertPath(ca));
    }
    return o.setClientAuth(mutual ? ClientAuth.REQUIRED : ClientAuth.NONE);
  }

  /** Applies to a client's options (no change when disabled). */
  public HttpClientOptions applyTo(HttpClientOptions o) {
    if (!enabled) {
      return o;
    }
    o.setSsl(true).setUseAlpn(true).setVerifyHost(verifyHost);
    if (ca != null) {
      o.setTrustOptions(new PemTrustOptions().addCertPath(ca));
    }
    if (cert != null && key != null) {
      o.setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert).setKeyPath(key));
    }
    return o;
  }
}
