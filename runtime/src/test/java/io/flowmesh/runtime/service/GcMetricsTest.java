package io.flowmesh.runtime.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
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
   * added up from the live threads' counters: it grows with what this thread allocates, and a thread
   * that ends does not take back what it allocated before (a plain sum over the live threads did,
   * so the count stood still until the others had allocated as much again).
   */
  @Test
  void withoutTheJvmsTotalAnEndedThreadDoesNotTakeBackWhatWasCounted() throws Exception {
    com.sun.management.ThreadMXBean real = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    com.sun.management.ThreadMXBean withoutTotal = (com.sun.management.ThreadMXBean) Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {com.sun.management.ThreadMXBean.class}, (proxy, method, args) -> {
          if (method.getName().equals("getTotalThreadAllocatedBytes")) {
            throw new UnsupportedOperationException("not on this JVM");
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    GcMetrics.AllocatedBytes allocated = new GcMetrics.AllocatedBytes(withoutTotal);
    CountDownLatch hasAllocated = new CountDownLatch(1);
    CountDownLatch mayEnd = new CountDownLatch(1);
    Thread other = new Thread(() -> {
      for (int i = 0; i < 64; i++) {
        sink = new byte[1 << 20];
      }
      hasAllocated.countDown();
      try {
        mayEnd.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "allocates-64-MiB-then-ends");
    other.start();
    hasAllocated.await();
    double before = allocated.read(); // counts the other thread's 64 MiB
    mayEnd.countDown();
    other.join();
    for (int i = 0; i < 32; i++) {
      sink = new byte[1 << 20];
    }
    double grew = allocated.read() - before;
    assertTrue(grew >= 32 << 20, "32 MiB allocated by this thread after another ended, the count grew by " + grew);
    assertTrue(grew < 64 << 20, "what the ended thread allocated was counted once, the count grew by " + grew);
  }
}
