package io.flowmesh.map.udf;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests per second through a trivial echo UDF, with and without coalesced writes, keeping
 * 500 elements in flight with 500-byte values. The UDF runs on its own Vert.x instance (its
 * own event loop) in the same JVM. Two ways of refilling are measured: inline in the result
 * callback (inside the UDF connection's socket read, where Vert.x already defers flushes)
 * and in a task of its own (as when input arrives on another connection, e.g. an edge).
 * Besides the rate it prints the CPU time the client's event-loop thread spent per
 * request, which the other tenants of a shared machine disturb less than the rate.
 *
 * <p>Opt-in: {@code mvn -B -q test -pl map-service -Dflowmesh.bench=true
 * -Dtest=UdfThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
@EnabledIfSystemProperty(named = "flowmesh.bench", matches = "true")
class UdfThroughputBenchmark {

  private static final int IN_FLIGHT = 500;
  private static final long WARM_UP_MS = Long.getLong("flowmesh.bench.warmup-ms", 6_000);
  private static final long MEASURE_MS = Long.getLong("flowmesh.bench.measure-ms", 10_000);

  @Test
  void echoThroughputWithAndWithoutCoalescing() throws Exception {
    Vertx serverVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    Vertx clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    TestUdf udf = TestUdf.tcp(serverVertx, TestUdf.ECHO);
    try {
      for (boolean inline : new boolean[] {false, true}) {
        for (boolean coalesce : new boolean[] {true, false}) {
          double[] r = measure(clientVertx, udf.address(), coalesce, inline);
          System.out.printf("udf-bench refill=%-8s coalesce=%-5s requests/s=%,9.0f client-event-loop-cpu/request=%.2fus%n",
              inline ? "inline" : "deferred", coalesce, r[0], r[1]);
          assertTrue(r[0] > 0);
        }
      }
    } finally {
      udf.stop();
      clientVertx.close().await(10, TimeUnit.SECONDS);
      serverVertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** Returns requests/s and the client event loop's CPU microseconds per request. */
  private double[] measure(Vertx vertx, String address, boolean coalesce, boolean inline) throws Exception {
    Context context = vertx.getOrCreateContext();
    Loop loop = new Loop(context, inline);
    onContext(context, () -> {
      loop.client = new UdfClient(vertx, TestConfigs.fast(address).build(), loop, coalesce);
      return null;
    });
    onContext(context, () -> loop.client.start()).await(10, TimeUnit.SECONDS);
    onContext(context, () -> {
      for (int i = 0; i < IN_FLIGHT; i++) {
        loop.client.map(new TestElement(i, "x".repeat(500)));
      }
      return null;
    });
    Thread.sleep(WARM_UP_MS);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long thread = onContext(context, () -> Thread.currentThread().getId());
    long c0 = onContext(context, () -> loop.completed);
    long cpu0 = threads.getThreadCpuTime(thread);
    long t0 = System.nanoTime();
    Thread.sleep(MEASURE_MS);
    long c1 = onContext(context, () -> loop.completed);
    long cpu1 = threads.getThreadCpuTime(thread);
    long t1 = System.nanoTime();
    onContext(context, () -> {
      loop.stopped = true;
      return loop.client.close();
    });
    Thread.sleep(300);
    return new double[] {(c1 - c0) * 1e9 / (t1 - t0), (cpu1 - cpu0) / 1e3 / (c1 - c0)};
  }

  private static <T> T onContext(Context context, java.util.function.Supplier<T> action) throws Exception {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> p.complete(action.get()));
    return p.future().await(10, TimeUnit.SECONDS);
  }

  /** Keeps IN_FLIGHT elements in the UDF, reusing each element once it completed. */
  private static final class Loop implements UdfListener {
    private final Context context;
    private final boolean inline;
    private final UdfElement[] ready = new UdfElement[IN_FLIGHT];
    private final Handler<Void> refill = v -> refill();
    private int readyCount;
    private boolean refillScheduled;
    UdfClient client;
    long completed;
    boolean stopped;

    Loop(Context context, boolean inline) {
      this.context = context;
      this.inline = inline;
    }

    @Override
    public void onResults(UdfElement element, List<UdfResult> results) {
      completed++;
      if (stopped) {
        return;
      }
      if (inline) {
        client.map(element);
      } else {
        ready[readyCount++] = element;
        if (!refillScheduled) {
          refillScheduled = true;
          context.runOnContext(refill);
        }
      }
    }

    private void refill() {
      refillScheduled = false;
      if (stopped) {
        return;
      }
      for (int i = 0; i < readyCount; i++) {
        client.map(ready[i]);
        ready[i] = null;
      }
      readyCount = 0;
    }

    @Override
    public void onFailure(UdfElement element, UdfFailure failure) {
    }
  }
}
