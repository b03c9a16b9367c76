package io.flowmesh.runtime.service;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.concurrent.TimeUnit;

/**
 * The garbage collector's metrics, read from the JVM's management beans when they are scraped.
 *
 * <p>Micrometer's {@code JvmGcMetrics} instead listens for the JMX notification the JVM sends after
 * every collection, and decodes its {@code GcInfo} there: a map vertex at 250,000 elements/s with a
 * 40 MB heap collects its young generation ~70 times a second, and the JVM's notification thread
 * then took ~6 % of the process's CPU samples, for figures nobody reads between scrapes. Read on
 * scrape, the same figures cost nothing per collection:
 * <ul>
 *   <li>{@code jvm_gc_pause_seconds_count} / {@code _sum} per collector ({@code gc} tag): collections
 *       and their accumulated time, as the collector's bean counts them (no per-pause maximum,
 *       action or cause);</li>
 *   <li>{@code jvm_gc_memory_allocated_bytes_total}: heap bytes allocated by all threads, from the
 *       JVM's per-thread allocation counters (exact, where the notification-based figure adds up
 *       the young generation's growth between collections);</li>
 *   <li>{@code jvm_gc_live_data_size_bytes}: the old generation's size after its last collection;
 *       {@code jvm_gc_max_data_size_bytes}: its maximum.</li>
 * </ul>
 */
public final class GcMetrics implements MeterBinder {

  @Override
  public void bindTo(MeterRegistry registry) {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      FunctionTimer.builder("jvm.gc.pause", gc, GarbageCollectorMXBean::getCollectionCount,
              GarbageCollectorMXBean::getCollectionTime, TimeUnit.MILLISECONDS)
          .tag("gc", gc.getName())
          .description("Collections of this collector and the time spent in them")
          .register(registry);
    }
    if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
        && threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()) {
      FunctionCounter.builder("jvm.gc.memory.allocated", threads, t -> Math.max(0, t.getTotalThreadAllocatedBytes()))
          .baseUnit(BaseUnits.BYTES)
          .description("Heap bytes allocated by all threads since the JVM started")
          .register(registry);
    }
    MemoryPoolMXBean old = oldGeneration();
    if (old != null) {
      Gauge.builder("jvm.gc.live.data.size", old, p -> used(p.getCollectionUsage()))
          .baseUnit(BaseUnits.BYTES)
          .description("Size of the old generation after its last collection")
          .register(registry);
      Gauge.builder("jvm.gc.max.data.size", old, p -> Math.max(0, p.getUsage().getMax()))
          .baseUnit(BaseUnits.BYTES)
          .description("Maximum size of the old generation")
          .register(registry);
    }
  }

  /** The heap pool that holds long-lived objects ({@code Tenured Gen}, {@code G1 Old Gen}, ...), or null. */
  static MemoryPoolMXBean oldGeneration() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      String name = pool.getName();
      if (pool.getType() == MemoryType.HEAP && (name.endsWith("Old Gen") || name.endsWith("Tenured Gen")
          || name.endsWith("Old Generation") || name.equals("ZHeap") || name.equals("Shenandoah"))) {
        return pool;
      }
    }
    return null;
  }

  private static double used(MemoryUsage usage) {
    return usage == null ? 0 : usage.getUsed();
  }
}
