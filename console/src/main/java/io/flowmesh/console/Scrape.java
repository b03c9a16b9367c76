package io.flowmesh.console;

import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.service.PromText;
import io.vertx.core.json.JsonObject;

/**
 * One replica's answers in one poll.
 *
 * @param at the replica's HTTP address
 * @param status its {@code /status}, or null when it did not answer
 * @param metrics its {@code /metrics}, or null when it did not answer
 * @param ready whether {@code /readyz} answered 200
 * @param readyReason the reason {@code /readyz} gave when not ready, or null
 * @param error why the replica is shown down (no answer, an HTTP error), or null when it answered
 */
public record Scrape(HostPort at, JsonObject status, PromText.Parsed metrics, boolean ready, String readyReason, String error) {

  public static Scrape down(HostPort at, String error) {
    return new Scrape(at, null, null, false, null, error);
  }

  public boolean up() {
    return error == null;
  }
}
