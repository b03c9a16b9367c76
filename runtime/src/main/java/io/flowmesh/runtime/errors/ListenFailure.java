package io.flowmesh.runtime.errors;

import java.net.UnknownHostException;
import java.util.Locale;

/**
 * A server that could not listen, in one line naming the server, the address and the key to
 * change: {@code edge server could not listen on 127.0.0.1:7001 (source.edge.port): address already
 * in use}. An address that cannot be resolved or is not this machine's names {@value #HOST_KEY};
 * a port in use or not allowed names the port's key; anything else names both. It is an expected
 * failure: its message is the whole story, and the cause is kept for a debugger only.
 */
public final class ListenFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The key every service's HTTP and edge servers listen on ({@code CommonKeys.BIND_HOST}). */
  public static final String HOST_KEY = "bind.host";

  private ListenFailure(String message, Throwable cause) {
    super(message, cause, false, false);
  }

  /**
   * The failure of {@code server} ({@code "HTTP server"}, {@code "edge server"}) to listen on
   * {@code host:port}, whose port is set with {@code portKey} (null when no key sets it).
   */
  public static ListenFailure of(String server, String host, int port, String portKey, Throwable cause) {
    String text = Reasons.of(cause).toLowerCase(Locale.ROOT);
    String key;
    String why;
    if (cause instanceof UnknownHostException || text.contains("failed to resolve")) {
      key = HOST_KEY;
      why = "cannot resolve '" + host + "' (give an address of this machine, or 0.0.0.0 for all of them)";
    } else if (text.contains("cannot assign requested address")) {
      key = HOST_KEY;
      why = "no interface of this machine has that address (give one of its addresses, or 0.0.0.0 for all of them)";
    } else if (text.contains("address already in use")) {
      key = portKey;
      why = "address already in use (another process listens there; choose another port, or 0 for any free one)";
    } else if (text.contains("permission denied")) {
      key = portKey;
      why = "permission denied (ports below 1024 need privileges; choose a higher port)";
    } else {
      key = portKey == null ? HOST_KEY : HOST_KEY + ", " + portKey;
      why = Reasons.of(cause);
    }
    String address = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    String where = key == null ? "" : " (" + key + ")";
    return new ListenFailure(server + " could not listen on " + address + where + ": " + why, cause);
  }
}
