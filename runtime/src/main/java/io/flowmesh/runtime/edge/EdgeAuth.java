package io.flowmesh.runtime.edge;

import java.util.Set;

/**
 * Who may subscribe to an edge. A subscriber presents {@code token} in the gRPC metadata of
 * {@code Subscribe} ({@code authorization: Bearer <token>}); an upstream with a token refuses a
 * stream without it ({@code UNAUTHENTICATED}) and serves only the vertices in
 * {@code allowedSubscribers} ({@code PERMISSION_DENIED} for any other hello). With mutual TLS the
 * upstream also requires the client certificate to name the vertex the hello claims.
 *
 * @param token the shared secret ({@code edge.token}), or null for none
 * @param allowedSubscribers the downstream vertex names an upstream serves; {@value #ANY} or an
 *     empty set serves any name (tests, tools)
 */
public record EdgeAuth(String token, Set<String> allowedSubscribers) {

  /** In {@code allowedSubscribers}: any vertex name. */
  public static final String ANY = "*";

  /** No token, any vertex: what {@link EdgeOptions#defaults()} uses. */
  public static final EdgeAuth NONE = new EdgeAuth(null, Set.of());

  public EdgeAuth {
    if (token != null && token.isBlank()) {
      throw new IllegalArgumentException("edge token must not be blank");
    }
    allowedSubscribers = Set.copyOf(allowedSubscribers);
  }

  public EdgeAuth withToken(String t) {
    return new EdgeAuth(t, allowedSubscribers);
  }

  public EdgeAuth withAllowedSubscribers(Set<String> names) {
    return new EdgeAuth(token, names);
  }

  /** Whether a hello from {@code vertex} may be served. */
  public boolean allows(String vertex) {
    return allowedSubscribers.isEmpty() || allowedSubscribers.contains(ANY) || allowedSubscribers.contains(vertex);
  }

  /** Never shows the token. */
  @Override
  public String toString() {
    return "EdgeAuth[token=" + (token == null ? "unset" : "***") + ", allowedSubscribers=" + allowedSubscribers + "]";
  }
}
