package io.flowmesh.source.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Checks an {@code Authorization: Bearer <token>} header against the configured token in constant
 * time ({@link MessageDigest#isEqual} does not stop at the first differing byte).
 */
final class BearerToken {

  private static final String SCHEME = "Bearer ";

  private final byte[] expected;

  BearerToken(String token) {
    this.expected = token.getBytes(StandardCharsets.UTF_8);
  }

  boolean matches(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return false;
    }
    byte[] presented = authorization.substring(SCHEME.length()).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expected, presented);
  }
}
