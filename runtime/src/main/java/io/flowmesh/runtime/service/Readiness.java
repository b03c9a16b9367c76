package io.flowmesh.runtime.service;

import io.vertx.core.json.JsonObject;

/**
 * Whether a vertex is ready to take traffic, and if not, why.
 *
 * @param ready true when every edge and dependency is up
 * @param reason what is not ready, in words an operator can act on (empty when ready)
 */
public record Readiness(boolean ready, String reason) {

  public static final Readiness READY = new Readiness(true, "");

  public static Readiness notReady(String reason) {
    return new Readiness(false, reason);
  }

  /** The first not-ready of the two, or ready. */
  public Readiness and(Readiness other) {
    if (!ready) {
      return this;
    }
    return other;
  }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("ready", ready);
    if (!ready) {
      j.put("reason", reason);
    }
    return j;
  }
}
