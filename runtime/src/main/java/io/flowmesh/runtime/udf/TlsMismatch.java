package io.flowmesh.runtime.udf;

import io.flowmesh.runtime.tls.TlsOptions;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Recognises the ways a TCP connection to the UDF fails over TLS, or over its absence, and says
 * each in words that name the key to change: a plain-text client against a UDF that serves TLS,
 * a TLS client against a plain-text UDF, an untrusted certificate, a certificate for another
 * host; and a server on the port that does not speak HTTP/2 at all. Any other failure is returned
 * unchanged.
 *
 * <p>Concurrency: stateless.
 */
public final class TlsMismatch {

  /** Netty's words for the first bytes of a peer that did not start with HTTP/2's SETTINGS frame. */
  private static final Pattern HEX_DUMP = Pattern.compile("first \\d+ bytes: ([0-9a-fA-F]+)");

  private TlsMismatch() {
  }

  /**
   * {@code failure} explained for the link to {@code address}, or {@code failure} itself.
   *
   * @param tlsKeys the prefix of the TLS keys to name, e.g. {@code udf.tls}
   */
  public static Throwable explain(UdfAddress address, TlsOptions tls, String tlsKeys, Throwable failure) {
    if (address.isUnix()) {
      return failure;
    }
    String chain = chain(failure);
    String lower = chain.toLowerCase(Locale.ROOT);
    String why = null;
    if (tls.enabled()) {
      if (lower.contains("pkix") || lower.contains("certification path") || lower.contains("certificate_unknown")
          || lower.contains("unknown_ca")) {
        why = "its TLS certificate is not trusted by " + (tls.ca() == null ? "the JVM's trust store (set " + tlsKeys + ".ca)"
            : tlsKeys + ".ca=" + tls.ca());
      } else if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
        why = "its TLS certificate does not name the host dialled (use a name the certificate holds, or " + tlsKeys + ".verify-host=false)";
      } else if (lower.contains("bad_certificate") || lower.contains("certificate_required")) {
        why = "it refused this side's client certificate (" + tlsKeys + ".cert, " + tlsKeys + ".key; the UDF must trust its CA)";
      } else if (failure instanceof SSLException || lower.contains("sslexception") || lower.contains("ssl message")
          || lower.contains("not an ssl") || lower.contains("handshake")) {
        why = "the TLS handshake failed: the UDF does not seem to serve TLS (give it a certificate, or set " + tlsKeys + ".enabled=false)";
      }
    } else if (lower.contains("first received frame was not settings")) {
      why = "it does not speak HTTP/2, as gRPC does" + firstBytes(chain) + ": is another kind of server on that port?";
    } else if (lower.contains("stream was closed")) {
      // one stream of a connection that did speak HTTP/2 (a UDF paused, then cut off): not about TLS
      return failure;
    } else if (lower.contains("closed") || lower.contains("reset") || lower.contains("prematurely")) {
      why = "it closed the connection without speaking HTTP/2: if it serves TLS, set " + tlsKeys + ".enabled=true (and " + tlsKeys + ".ca)";
    }
    return why == null ? failure : new SSLException("UDF at " + address + ": " + why + " [" + chain + "]", failure);
  }

  /**
   * ": its first bytes were 'HTTP/'" from Netty's "Hex dump for first 5 bytes: 485454502f" when
   * they are printable, else nothing.
   */
  private static String firstBytes(String chain) {
    Matcher m = HEX_DUMP.matcher(chain);
    if (!m.find()) {
      return "";
    }
    String hex = m.group(1);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i + 1 < hex.length(); i += 2) {
      int c = Integer.parseInt(hex.substring(i, i + 2), 16);
      if (c < 0x20 || c > 0x7e) {
        return "";
      }
      text.append((char) c);
    }
    return ": its first bytes were '" + text + "'" + (text.toString().startsWith("HTTP/") ? " (an HTTP/1 server)" : "");
  }

  private static String chain(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null && b.length() < 400; c = c.getCause()) {
      if (b.length() > 0) {
        b.append("; caused by ");
      }
      b.append(c.getClass().getSimpleName());
      if (c.getMessage() != null) {
        b.append(": ").append(c.getMessage());
      }
    }
    return b.toString();
  }
}
