package io.flowmesh.runtime.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** The GC metrics read on scrape move with what the JVM does, under the names Micrometer's binder used. */
class GcMetricsTest {

  /** Written so the JIT cannot drop the allocations. */
  static volatile byte[] sink;

  @Test
  void allocationsAndCollectionsShowInTheScrape() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new GcMetrics().bindTo(registry);
    FunctionCounter allocated = registry.get("jvm.gc.memory.allocated").functionCounter();
    double allocatedBefore = allocated.count();
    double collectionsBefore = collections(registry);
    for (int i = 0; i < 64; i++) {
      sink = new byte[1 << 20];
    }
    System.gc();
    double grew = allocated.count() - allocatedBefore;
    assertTrue(grew >= 64 << 20, "64 MiB allocated by this thread, the counter grew by " + grew);
    assertTrue(collections(registry) > collectionsBefore, "System.gc() is counted as a collection");
    assertNotNull(registry.get("jvm.gc.live.data.size").gauge());
    assertTrue(registry.get("jvm.gc.max.data.size").gauge().value() > 0, "the old generation has a maximum");
    String scrape = registry.scrape();
    for (String name : new String[] {"jvm_gc_pause_seconds_count", "jvm_gc_pause_seconds_sum",
        "jvm_gc_memory_allocated_bytes_total", "jvm_gc_live_data_size_bytes", "jvm_gc_max_data_size_bytes"}) {
      assertTrue(scrape.contains(name), name + " in the scrape");
    }
  }

  private static double collections(PrometheusMeterRegistry registry) {
    double n = 0;
    for (FunctionTimer t : registry.get("jvm.gc.pause").functionTimers()) {
      n += t.count();
    }
    return n;
  }

  @Test
  void concurrentCollectorBeansAreNotCountedAsPauses() {
    for (String pauses : new String[] {"Copy", "MarkSweepCompact", "G1 Young Generation", "G1 Old Generation",
        "PS Scavenge", "ZGC Pauses", "ZGC Minor Pauses", "Shenandoah Pauses"}) {
      assertFalse(GcMetrics.concurrent(pauses), pauses);
    }
    for (String cycles : new String[] {"ZGC Cycles", "ZGC Major Cycles", "Shenandoah Cycles", "G1 Concurrent GC"}) {
      assertTrue(GcMetrics.concurrent(cycles), cycles);
    }
  }

  /**
   * On a JVM without {@code getTotalThreadAllocatedBytes} (Java 17 before its backport) the count is
   * the live threads' sum: it still grows with what this thread allocates.
   */
  @Test
  void withoutTheJvmsTotalTheLiveThreadsAllocationsAreCounted() {
    com.sun.management.ThreadMXBean real = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    com.sun.management.ThreadMXBean withoutTotal = (com.sun.management.ThreadMXBean) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {com.sun.management.ThreadMXBean.class}, (proxy, method, args) -> {
          if (method.getName().equals("getTotalThreadAllocatedBytes")) {
            throw new UnsupportedOperationException("not on this JVM");
          }
          try {
            return method.invoke(real, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    GcMetrics.AllocatedBytes allocated = new GcMetrics.AllocatedBytes(withoutTotal);
    double before = allocated.read();
    for (int i = 0; i < 32; i++) {
      sink = new byte[1 << 20];
    }
    double grew = allocated.read() - before;
    assertTrue(grew >= 32 << 20, "32 MiB allocated by this thread, the live threads' sum grew by " + grew);
  }
}
