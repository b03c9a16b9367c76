package io.flowmesh.map.service;

import io.flowmesh.map.engine.MapEngine;
import io.flowmesh.map.udf.UdfClient;
import io.flowmesh.map.udf.UdfStats;
import io.flowmesh.runtime.service.LoopHistogram;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * One map instance's metrics, tagged {@code verticle} (not {@code instance}, which Prometheus
 * sets to the scrape target). Counters and gauges read the engine's and
 * the UDF client's plain fields when scraped.
 */
final class MapMetrics {

  private final MeterRegistry registry;
  private final String instance;
  /** Recorded on the instance's event loop, once per answer. */
  final LoopHistogram.Recorder udfCallTime;
  /** The in-flight limit, written on the instance's event loop when map.concurrency=auto moves it. */
  private volatile int limit;
  /** The instance's engine once bound (its key sequencer's detach count joins the UDF client's). */
  private volatile MapEngine engine;

  MapMetrics(MeterRegistry registry, int index, int concurrency, int outputCapacity) {
    this.registry = registry;
    this.instance = Integer.toString(index);
    this.udfCallTime = LoopHistogram.of(registry, "flowmesh_map_udf_call_seconds",
        "Time from sending an element to the UDF to its response", LoopHistogram.TIMER_MIN, LoopHistogram.TIMER_MAX)
        .recorder("verticle", instance);
    this.limit = concurrency;
    Gauge.builder("flowmesh.map.concurrency.limit", this, m -> m.limit)
        .description("Permits: most elements in the UDF at once (moves with map.concurrency=auto)")
        .tag("verticle", instance).register(registry);
    Gauge.builder("flowmesh.map.output.capacity", () -> outputCapacity)
        .description("Outputs that may wait for downstream acks before dispatch stops (map.output-capacity)")
        .tag("verticle", instance).register(registry);
  }

  void limit(int permits) {
    limit = permits;
  }

  MeterRegistry registry() {
    return registry;
  }

  void bindEngine(MapEngine e) {
    engine = e;
    // Count and sum only (read when scraped); the distribution is flowmesh_map_udf_call_seconds'.
    FunctionTimer.builder("flowmesh.map.inflight.time", e, x -> x.stats().inFlightCount, x -> x.stats().inFlightNanos,
        TimeUnit.NANOSECONDS).description("Time elements held a permit, retries included").tag("verticle", instance)
        .register(registry);
    gauge("flowmesh.map.inflight", "Elements in the UDF (permits in use)", e, MapEngine::inFlight);
    gauge("flowmesh.map.unfinished", "Elements taken from upstream and not yet acked there", e, MapEngine::unfinished);
    gauge("flowmesh.map.output.pending", "Outputs sent downstream and not yet acked", e, MapEngine::outputsPending);
    gauge("flowmesh.map.waiting.for.key", "Elements waiting for their key (map.ordering=key)", e, MapEngine::waitingForKey);
    // Gauges run on the scraping thread: they read what the event loop last computed, never compute.
    gauge("flowmesh.map.watermark", "Output watermark, epoch milliseconds", e, MapEngine::lastWatermark);
    gauge("flowmesh.map.watermark.lag", "Wall clock minus the output watermark, milliseconds", e,
        x -> x.lastWatermark() < 0 ? 0 : System.currentTimeMillis() - x.lastWatermark());
    FunctionCounter.builder("flowmesh.map.output.blocked", e, x -> x.stats().outputBlockedNanos / 1e9).baseUnit("seconds")
        .description("Time dispatch stood still because map.output-capacity outputs waited for downstream acks (back-pressure)")
        .tag("verticle", instance).register(registry);
    counter("flowmesh.map.elements.in", "Elements taken from upstream", e, x -> x.stats().elementsIn);
    counter("flowmesh.map.outputs", "Outputs produced", e, x -> x.stats().outputs);
    counter("flowmesh.map.acked", "Inputs acked upstream after all their outputs were acked", e, x -> x.stats().acked);
    counter("flowmesh.map.dropped", "Elements the UDF dropped (no results or DROP tag)", e, x -> x.stats().dropped);
    counter("flowmesh.map.failed.dropped", "Elements dropped after the UDF client gave up (udf.on-failure=drop)", e,
        x -> x.stats().failedDropped);
    counter("flowmesh.map.failed.nacked", "Elements nacked upstream after the UDF client gave up (udf.on-failure=fail)", e,
        x -> x.stats().failedNacked);
    counter("flowmesh.map.given.back", "Inputs nacked back upstream because nobody read the output edge (edge.orphan-timeout)", e,
        x -> x.stats().givenBack);
  }

  void bindUdf(UdfClient c) {
    udfCounter("flowmesh.map.udf.requests", "Requests sent to the UDF (attempts)", c, UdfStats::requestsSent);
    udfCounter("flowmesh.map.udf.responses", "Responses received from the UDF", c, UdfStats::responsesReceived);
    udfCounter("flowmesh.map.udf.errors", "UDF streams ended with an error status", c, UdfStats::udfErrors);
    udfCounter("flowmesh.map.udf.retries", "Elements sent again after a timeout or failure", c, UdfStats::retries);
    udfCounter("flowmesh.map.udf.timeouts", "Requests unanswered within udf.timeout", c, UdfStats::timeouts);
    udfCounter("flowmesh.map.udf.reconnects", "MapFn streams reopened", c, UdfStats::reconnects);
    udfCounter("flowmesh.map.udf.protocol.violations", "Garbage from the UDF (unknown id, second answer, early EOT)", c,
        UdfStats::protocolViolations);
    udfCounter("flowmesh.map.udf.late.responses", "Responses to ids already retried, ignored", c, UdfStats::lateResponses);
    counter("flowmesh.map.udf.detached", "Inputs detached from their batch's frame (copied out where it holds more than them)"
        + " because the UDF kept them, or they waited, past 5 ms (or behind such an input of their key)", c,
        x -> x.stats().detached() + detachedBehindKey());
    udfCounter("flowmesh.map.udf.stalls", "Times the UDF held work without answering for udf.stall-timeout", c, UdfStats::stalls);
    // Read through the stats: the scraper's thread is not the client's event loop, and UdfClient#stalled() checks it.
    gauge("flowmesh.map.udf.stalled", "1 while the UDF is stalled", c, x -> x.stats().stalled() ? 1 : 0);
  }

  private long detachedBehindKey() {
    MapEngine e = engine;
    return e == null ? 0 : e.stats().detachedBehindKey;
  }

  private <T> void gauge(String name, String help, T obj, ToDoubleFunction<T> f) {
    Gauge.builder(name, obj, f).description(help).tag("verticle", instance).register(registry);
  }

  private <T> void counter(String name, String help, T obj, ToDoubleFunction<T> f) {
    FunctionCounter.builder(name, obj, f).description(help).tag("verticle", instance).register(registry);
  }

  private interface StatReader {
    long read(UdfStats s);
  }

  private void udfCounter(String name, String help, UdfClient c, StatReader r) {
    counter(name, help, c, x -> r.read(x.stats()));
  }
}
