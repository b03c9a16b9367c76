package io.flowmesh.runtime.edge;

import io.vertx.core.http.HttpConnection;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The names a TLS peer's certificate gives its subject, and whether they name a vertex. A
 * certificate names vertex {@code v} when it has the SAN URI {@code flowmesh://vertex/v}, the SAN
 * DNS name {@code v}, or the subject {@code CN=v}.
 *
 * <p>Concurrency: stateless.
 */
final class PeerNames {

  /** The SAN URI that names a vertex, before the vertex's name. */
  static final String VERTEX_URI = "flowmesh://vertex/";
  /** How a certificate names vertex {@code <v>}, for messages. */
  static final String EXPECTED = "SAN URI " + VERTEX_URI + "<vertex>, SAN DNS <vertex>, or CN=<vertex>";
  private static final int SAN_DNS = 2;
  private static final int SAN_URI = 6;

  private PeerNames() {
  }

  /**
   * The names in the peer's leaf certificate, as {@code DNS:x}, {@code URI:x} and {@code CN=x};
   * empty when the connection has no verified peer certificate.
   */
  static List<String> of(HttpConnection connection) {
    List<Certificate> chain;
    try {
      chain = connection.peerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return List.of();
    }
    if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate)) {
      return List.of();
    }
    return of((X509Certificate) chain.get(0));
  }

  /** The names in {@code cert}, as {@code DNS:x}, {@code URI:x} and {@code CN=x}. */
  static List<String> of(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          if (type == SAN_DNS) {
            names.add("DNS:" + san.get(1));
          } else if (type == SAN_URI) {
            names.add("URI:" + san.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      names.add("(unreadable subject alternative names: " + e.getMessage() + ")");
    }
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          names.add("CN=" + rdn.getValue());
        }
      }
    } catch (InvalidNameException e) {
      names.add("(unreadable subject: " + e.getMessage() + ")");
    }
    return names;
  }

  /** Whether {@code names} (from {@link #of}) name {@code vertex}. */
  static boolean namesVertex(List<String> names, String vertex) {
    return !vertex.isEmpty() && (names.contains("URI:" + VERTEX_URI + vertex) || names.contains("DNS:" + vertex)
        || names.contains("CN=" + vertex));
  }

  /** A peer-supplied name for a message or log line: quoted, at most 64 characters. */
  static String quote(String name) {
    return "'" + (name.length() > 64 ? name.substring(0, 64) + "…" : name) + "'";
  }
}
