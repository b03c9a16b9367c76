package io.flowmesh.udf;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS for a {@link UdfServer}: its certificate and key (PEM), and for mutual TLS the CA whose
 * client certificates it accepts.
 *
 * @param cert PEM certificate chain
 * @param key PEM private key
 * @param clientCa PEM CA certificates; when set, clients must present a certificate it signed
 */
public record UdfTls(Path cert, Path key, Path clientCa) {

  public UdfTls {
    Objects.requireNonNull(cert, "cert");
    Objects.requireNonNull(key, "key");
    for (Path p : new Path[] {cert, key, clientCa}) {
      if (p != null && !Files.isReadable(p)) {
        throw new UsageException("TLS file " + p + " cannot be read");
      }
    }
  }

  /** Applies to the server's HTTP options: TLS with ALPN (h2), and client authentication when a CA is set. */
  public HttpServerOptions applyTo(HttpServerOptions o) {
    o.setSsl(true).setUseAlpn(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString()));
    if (clientCa != null) {
      o.setTrustOptions(new PemTrustOptions().addCertPath(clientCa.toString())).setClientAuth(ClientAuth.REQUIRED);
    }
    return o;
  }
}
