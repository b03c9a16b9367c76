package io.flowmesh.sink.udsink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;

/**
 * The meters of what became of the messages beyond written and dropped (those are
 * {@code flowmesh_sink_messages} and {@code flowmesh_sink_dropped}), for a udsink primary and for
 * the fallback route of any primary:
 * {@code flowmesh_sink_outcomes_total{outcome=failed|primary-failed|fallback|fallback-failed|on-success|serve|unsupported-nack}}
 * and {@code flowmesh_sink_udsink_protocol_errors_total}. {@link #toJson()} gives the same counts
 * for {@code /status}.
 *
 * <h2>Concurrency</h2>
 * Thread-safe (Micrometer counters), incremented once per batch and outcome.
 */
public final class UdSinkOutcomes {

  private final Counter failed;
  private final Counter primaryFailed;
  private final Counter fallback;
  private final Counter fallbackFailed;
  private final Counter onSuccess;
  private final Counter serve;
  private final Counter nack;
  private final Counter protocolErrors;

  public UdSinkOutcomes(MeterRegistry registry) {
    failed = outcome(registry, "failed", "Messages a udsink answered FAILURE or NACK (each answer counts; they are retried)");
    primaryFailed = outcome(registry, "primary-failed",
        "Messages the primary sink finally failed to write (a built-in sink's failed write, a udsink's last FAILURE) that"
            + " sink.on-failure=fallback handed to the fallback sink");
    fallback = outcome(registry, "fallback",
        "Messages written to the fallback sink (FALLBACK answers, and final failures with sink.on-failure=fallback)");
    fallbackFailed = outcome(registry, "fallback-failed",
        "Messages the fallback sink failed to write too (nacked: delivered again, nothing acked)");
    onSuccess = outcome(registry, "on-success", "Messages written to the on-success sink (ON_SUCCESS answers)");
    serve = outcome(registry, "serve",
        "udsink SERVE answers: taken as written; the serve_response answers a serving request (docs/serving.md)");
    nack = outcome(registry, "unsupported-nack", "udsink NACK answers, not supported yet: retried as FAILURE");
    protocolErrors = Counter.builder("flowmesh.sink.udsink.protocol.errors")
        .description("Protocol faults of a user-defined sink (missing handshake, unknown id, fewer results than requests, garbage); the batch is retried")
        .register(registry);
  }

  private static Counter outcome(MeterRegistry registry, String outcome, String description) {
    return Counter.builder("flowmesh.sink.outcomes").description(description).tag("outcome", outcome).register(registry);
  }

  void failed(int n) {
    failed.increment(n);
  }

  public void primaryFailed(int n) {
    primaryFailed.increment(n);
  }

  public void fallback(int n) {
    fallback.increment(n);
  }

  public void fallbackFailed(int n) {
    fallbackFailed.increment(n);
  }

  void onSuccess(int n) {
    onSuccess.increment(n);
  }

  void serve(int n) {
    serve.increment(n);
  }

  void nack(int n) {
    nack.increment(n);
  }

  void protocolError() {
    protocolErrors.increment();
  }

  /** The counts since start, for {@code /status}. */
  public JsonObject toJson() {
    return new JsonObject().put("failed", (long) failed.count()).put("primaryFailed", (long) primaryFailed.count())
        .put("fallback", (long) fallback.count()).put("fallbackFailed", (long) fallbackFailed.count())
        .put("onSuccess", (long) onSuccess.count()).put("serve", (long) serve.count())
        .put("unsupportedNack", (long) nack.count()).put("protocolErrors", (long) protocolErrors.count());
  }
}
