package io.flowmesh.runtime.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BearerTokenTest {

  private final BearerToken token = new BearerToken("s3cret");

  @Test
  void onlyTheExactTokenAfterTheBearerSchemeMatches() {
    assertTrue(token.matches("Bearer s3cret"));
    assertTrue(token.matches("bearer  s3cret "));
    assertFalse(token.matches(null));
    assertFalse(token.matches("s3cret"));
    assertFalse(token.matches("Basic s3cret"));
    assertFalse(token.matches("Bearer s3cre"));
    assertFalse(token.matches("Bearer s3cret2"));
    assertFalse(token.matches("Bearer "));
  }

  @Test
  void theHeaderItBuildsMatchesAndItsTextNeverShowsTheSecret() {
    assertTrue(token.matches(BearerToken.header("s3cret")));
    assertFalse(token.toString().contains("s3cret"), token.toString());
  }
}
