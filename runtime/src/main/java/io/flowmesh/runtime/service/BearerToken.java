package io.flowmesh.runtime.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Checks an {@code Authorization: Bearer <token>} header against the configured token in constant
 * time ({@link MessageDigest#isEqual} does not stop at the first differing byte). One check for
 * every HTTP token: {@code http.token} on {@code /status} and {@code /metrics}, and the HTTP
 * source's {@code source.http.token} on {@code /ingest}.
 *
 * <p>Concurrency: immutable, thread-safe.
 */
public final class BearerToken {

  private static final String SCHEME = "Bearer ";

  private final byte[] expected;

  /** @param token the token a request must present; not empty */
  public BearerToken(String token) {
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException("a bearer token must not be empty");
    }
    this.expected = token.getBytes(StandardCharsets.UTF_8);
  }

  /** Whether {@code authorization} (the header's value, null when absent) carries the token. */
  public boolean matches(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return false;
    }
    byte[] presented = authorization.substring(SCHEME.length()).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expected, presented);
  }
}
