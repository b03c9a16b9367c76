package io.flowmesh.runtime.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A shared secret presented as {@code Authorization: Bearer <token>} (an HTTP header, or gRPC
 * metadata {@code authorization}), checked in constant time ({@link MessageDigest#isEqual} does not
 * stop at the first differing byte). {@link #toString()} never shows the secret.
 *
 * <p>Concurrency: immutable.
 */
public final class BearerToken {

  private static final String SCHEME = "Bearer ";

  private final byte[] expected;

  public BearerToken(String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("a bearer token must not be empty");
    }
    this.expected = token.getBytes(StandardCharsets.UTF_8);
  }

  /** The header value that presents {@code token}: {@code Bearer <token>}. */
  public static String header(String token) {
    return SCHEME + token;
  }

  /** Whether {@code authorization} (a header value, or null when absent) presents this token. */
  public boolean matches(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return false;
    }
    byte[] presented = authorization.substring(SCHEME.length()).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expected, presented);
  }

  @Override
  public String toString() {
    return "BearerToken[***]";
  }
}
