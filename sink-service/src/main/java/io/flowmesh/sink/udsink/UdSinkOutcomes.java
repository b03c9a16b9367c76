package io.flowmesh.sink.udsink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The meters of what became of the messages beyond written and dropped (those are
 * {@code flowmesh_sink_messages} and {@code flowmesh_sink_dropped}):
 * {@code flowmesh_sink_outcomes_total{outcome=failed|fallback|on-success|unsupported}} and
 * {@code flowmesh_sink_udsink_protocol_errors_total}.
 *
 * <h2>Concurrency</h2>
 * Thread-safe (Micrometer counters), incremented once per batch and outcome.
 */
public final class UdSinkOutcomes {

  private final Counter failed;
  private final Counter fallback;
  private final Counter onSuccess;
  private final Counter unsupported;
  private final Counter protocolErrors;

  public UdSinkOutcomes(MeterRegistry registry) {
    failed = outcome(registry, "failed", "Messages a udsink answered FAILURE or NACK (each answer counts; they are retried)");
    fallback = outcome(registry, "fallback", "Messages written to the fallback sink (FALLBACK answers, and final failures with sink.on-failure=fallback)");
    onSuccess = outcome(registry, "on-success", "Messages written to the on-success sink (ON_SUCCESS answers)");
    unsupported = outcome(registry, "unsupported", "udsink answers Flowmesh does not support: SERVE (acked as written) and NACK (retried as FAILURE)");
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

  public void fallback(int n) {
    fallback.increment(n);
  }

  void onSuccess(int n) {
    onSuccess.increment(n);
  }

  void unsupported(int n) {
    unsupported.increment(n);
  }

  void protocolError() {
    protocolErrors.increment();
  }
}
