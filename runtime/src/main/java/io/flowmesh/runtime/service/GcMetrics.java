package io.flowmesh.runtime.service;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The garbage collector's metrics, read from the JVM's management beans when they are scraped.
 *
 * <p>Micrometer's {@code JvmGcMetrics} instead listens for the JMX notification the JVM sends after
 * every collection, and decodes its {@code GcInfo} there: a map vertex at 250,000 elements/s with a
 * 40 MB heap collects its young generation ~87 times a second, and the JVM's notification thread
 * then used 0.024 cores (3 % of the process's CPU), for figures nobody reads between scrapes. Read
 * on scrape, the same figures cost nothing per collection:
 * <ul>
 *   <li>{@code jvm_gc_pause_seconds_count} / {@code _sum} per collector ({@code gc} tag): collections
 *       and their accumulated time, as the collector's bean counts them (no per-pause maximum,
 *       action or cause); the beans of concurrent work ({@code ZGC Cycles}, {@code G1 Concurrent
 *       GC}, ...) as {@code jvm_gc_concurrent_phase_time_seconds} instead;</li>
 *   <li>{@code jvm_gc_memory_allocated_bytes_total}: heap bytes allocated, from the JVM's per-thread
 *       allocation counters (where the notification-based figure adds up the young generation's
 *       growth between collections): all threads since start where the JVM can say so
 *       ({@code getTotalThreadAllocatedBytes}, Java 21 and some 17 updates), else added up from
 *       the live threads' counters read by read, which misses only what a thread allocated between
 *       the last read and its end (a service's threads live as long as it);</li>
 *   <li>{@code jvm_gc_live_data_size_bytes}: the old generation's size after its last collection;
 *       {@code jvm_gc_max_data_size_bytes}: its maximum.</li>
 * </ul>
 */
public final class GcMetrics implements MeterBinder {

  @Override
  public void bindTo(MeterRegistry registry) {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      boolean concurrent = concurrent(gc.getName());
      FunctionTimer.builder(concurrent ? "jvm.gc.concurrent.phase.time" : "jvm.gc.pause", gc,
              g -> Math.max(0, g.getCollectionCount()), g -> Math.max(0, g.getCollectionTime()), TimeUnit.MILLISECONDS)
          .tag("gc", gc.getName())
          .description(concurrent ? "Concurrent phases of this collector and the time spent in them"
              : "Collections of this collector and the time spent in them")
          .register(registry);
    }
    if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
        && threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()) {
      AllocatedBytes allocated = new AllocatedBytes(threads);
      // Micrometer holds the state object weakly: the bean (a JVM singleton) is, the reader in the function strongly
      FunctionCounter.builder("jvm.gc.memory.allocated", threads, t -> allocated.read())
          .baseUnit(BaseUnits.BYTES)
          .description("Heap bytes allocated since the JVM started (less an ended thread's last allocations where the JVM cannot count them)")
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

  /** True for a collector bean that counts concurrent work, not pauses (ZGC's and Shenandoah's cycles, G1's concurrent GC). */
  static boolean concurrent(String name) {
    return name.endsWith(" Cycles") || name.endsWith("Concurrent GC");
  }

  /**
   * Heap bytes allocated: {@code getTotalThreadAllocatedBytes()} where the JVM has it (Java 21, and
   * backported to some 17 updates, so it is looked up, not compiled against), else what each live
   * thread allocated since the previous read, added up: a thread that ends between two reads takes
   * only its allocations since the first of them along, never what was counted before (a plain sum
   * over the live threads went down by everything an ended thread had allocated).
   */
  static final class AllocatedBytes {
    private final com.sun.management.ThreadMXBean threads;
    private final MethodHandle total;
    /** Per live thread id, its allocated bytes at the previous read (fallback only). */
    private Map<Long, Long> seen = new HashMap<>();
    private long counted;
    private long last;

    AllocatedBytes(com.sun.management.ThreadMXBean threads) {
      this.threads = threads;
      MethodHandle h;
      try {
        h = MethodHandles.publicLookup().findVirtual(com.sun.management.ThreadMXBean.class,
            "getTotalThreadAllocatedBytes", MethodType.methodType(long.class));
        long probe = (long) h.invoke(threads);
        if (probe < 0) {
          h = null;
        }
      } catch (Throwable e) { // absent (NoSuchMethodException) or unsupported by this JVM
        h = null;
      }
      this.total = h;
    }

    synchronized double read() {
      long now = -1;
      if (total != null) {
        try {
          now = (long) total.invoke(threads);
        } catch (Throwable e) {
          now = -1;
        }
      }
      if (now < 0) {
        now = liveThreadsSincePreviousRead();
      }
      last = Math.max(last, now);
      return last;
    }

    private long liveThreadsSincePreviousRead() {
      long[] ids = threads.getAllThreadIds();
      long[] bytes = threads.getThreadAllocatedBytes(ids);
      Map<Long, Long> next = new HashMap<>(ids.length * 2);
      for (int i = 0; i < ids.length; i++) {
        if (bytes[i] < 0) {
          continue; // ended since the ids were taken, or not measured
        }
        Long before = seen.get(ids[i]);
        counted += Math.max(0, bytes[i] - (before == null ? 0 : before));
        next.put(ids[i], bytes[i]);
      }
      seen = next;
      return counted;
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
