package io.flowmesh.map.udf;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs a {@link UdfClient} on an event-loop context of its own, as a map verticle would,
 * and records what the listener hears. The records are touched on that context only; the
 * test thread reads them through {@link #call}.
 */
final class ClientHarness implements UdfListener {

  final Vertx vertx;
  final Context context;
  UdfClient client;
  /** Index of each answered element, in the order answered. */
  final List<Integer> answerOrder = new ArrayList<>();
  final Map<Integer, Integer> answers = new HashMap<>();
  final Map<Integer, UdfFailure> failures = new HashMap<>();
  /** The result values each element was answered with (stream-map tests). */
  final Map<Integer, List<String>> values = new HashMap<>();
  int duplicates;
  int wrongPayloads;
  int callTimes;

  ClientHarness(Vertx vertx, UdfConfig config) {
    this(vertx, config, true);
  }

  ClientHarness(Vertx vertx, UdfConfig config, boolean coalesce) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    call(() -> client = new UdfClient(vertx, config, this, coalesce));
  }

  @Override
  public void onResults(UdfElement element, List<UdfResult> results) {
    TestElement e = (TestElement) element;
    if (answers.merge(e.index, 1, Integer::sum) > 1 || failures.containsKey(e.index)) {
      duplicates++;
    }
    answerOrder.add(e.index);
    values.put(e.index, results.stream().map(r -> r.value().toStringUtf8()).toList());
    if (results.size() != 1 || !results.get(0).value().equals(e.request().getValue())) {
      wrongPayloads++;
    }
  }

  @Override
  public void onFailure(UdfElement element, UdfFailure failure) {
    TestElement e = (TestElement) element;
    if (failures.put(e.index, failure) != null || answers.containsKey(e.index)) {
      duplicates++;
    }
  }

  @Override
  public void onCallTime(long nanos) {
    callTimes++;
  }

  /** Runs {@code action} on the client's context and returns its result. */
  <T> T call(Supplier<T> action) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> {
      try {
        p.complete(action.get());
      } catch (Throwable t) {
        p.fail(t);
      }
    });
    try {
      return p.future().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("running on the client's context failed", e);
    }
  }

  /** Runs {@code action} on the client's context and returns what it threw, or null. */
  Throwable thrown(Runnable action) {
    return call(() -> {
      try {
        action.run();
        return null;
      } catch (Throwable t) {
        return t;
      }
    });
  }

  void run(Runnable action) {
    call(() -> {
      action.run();
      return null;
    });
  }

  /** Runs an asynchronous action on the client's context and waits for it. */
  <T> T await(Supplier<Future<T>> action, Duration timeout) throws Exception {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> {
      try {
        action.get().onComplete(p);
      } catch (Throwable t) {
        p.fail(t);
      }
    });
    return p.future().await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  void start() throws Exception {
    await(() -> client.start(), Duration.ofSeconds(10));
  }

  /** Maps elements {@code from} (inclusive) to {@code to} (exclusive) in one event-loop turn. */
  void mapRange(int from, int to) {
    run(() -> {
      for (int i = from; i < to; i++) {
        client.map(new TestElement(i));
      }
    });
  }

  /** Waits until {@code condition}, evaluated on the client's context, holds. */
  void awaitUntil(String what, Duration timeout, Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!call(condition)) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + timeout + " waiting until " + what + "; stats " + client.stats()
            + ", answered " + call(answers::size) + ", failed " + call(failures::size)
            + ", inFlight " + call(client::inFlight));
      }
      Thread.sleep(10);
    }
  }

  /** Waits until every element in [0, n) was answered or failed, then checks none twice. */
  void awaitAllCompleted(int n, Duration timeout) throws InterruptedException {
    awaitUntil(n + " elements completed", timeout, () -> answers.size() + failures.size() == n);
    assertEquals(0, (int) call(() -> duplicates), "elements reported more than once");
    assertEquals(0, (int) call(() -> wrongPayloads), "elements answered with another element's result");
    assertEquals(0, (int) call(client::inFlight), "in-flight count after every element completed");
  }

  void close() throws Exception {
    await(() -> client.close(), Duration.ofSeconds(10));
  }
}
