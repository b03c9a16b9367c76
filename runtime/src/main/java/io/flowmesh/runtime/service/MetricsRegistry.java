package io.flowmesh.runtime.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.WeakHashMap;

/** The Prometheus registry of one service process, with JVM and process metrics bound. */
public final class MetricsRegistry {

  /** The common tags of the registries made here, for meters that are not Micrometer's ({@link LoopHistogram}). */
  private static final Map<MeterRegistry, Tags> COMMON_TAGS = new WeakHashMap<>();

  private MetricsRegistry() {
  }

  /** The tags {@link #create} put on every meter of {@code registry}; none for a registry made elsewhere. */
  public static Tags commonTags(MeterRegistry registry) {
    synchronized (COMMON_TAGS) {
      return COMMON_TAGS.getOrDefault(registry, Tags.empty());
    }
  }

  /**
   * A registry whose every meter carries {@code service=<kind>} and {@code vertex=<name>}, so two
   * vertices of one kind (two maps in a chain) are told apart.
   */
  public static PrometheusMeterRegistry create(String kind, String vertexName) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("service", kind, "vertex", vertexName);
    synchronized (COMMON_TAGS) {
      COMMON_TAGS.put(registry, Tags.of("service", kind, "vertex", vertexName));
    }
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new GcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return registry;
  }
}
