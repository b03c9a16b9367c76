package io.flowmesh.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.udf.UsageException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SaturationTest {

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private <T> T on(Supplier<T> fn) throws Exception {
    CompletableFuture<T> f = new CompletableFuture<>();
    context.runOnContext(v -> f.complete(fn.get()));
    return f.get(10, TimeUnit.SECONDS);
  }

  @Test
  void atMostKAreServedAtOnceTheRestWaitInLineAndMoreServersStartThemAtOnce() throws Exception {
    Saturation s = new Saturation(2);
    List<Future<Void>> got = on(() -> {
      List<Future<Void>> l = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        l.add(s.acquire());
      }
      return l;
    });
    assertEquals(List.of(true, true, false, false, false), on(() -> got.stream().map(Future::isComplete).toList()));
    on(() -> {
      s.release();
      return null;
    });
    assertTrue(on(() -> got.get(2).isComplete()), "the first in line is served when one finishes");
    assertFalse(on(() -> got.get(3).isComplete()));
    s.servers(4); // from this (not the event loop's) thread
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!on(() -> got.get(4).isComplete()) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertTrue(on(() -> got.get(3).isComplete() && got.get(4).isComplete()), "K=4 serves the two still in line");
  }

  @Test
  void fewerServersTakeEffectAsElementsFinish() throws Exception {
    Saturation s = new Saturation(3);
    List<Future<Void>> got = on(() -> List.of(s.acquire(), s.acquire(), s.acquire(), s.acquire()));
    s.servers(1);
    on(() -> {
      s.release();
      s.release();
      return null;
    });
    assertFalse(on(() -> got.get(3).isComplete()), "one busy of K=1: the fourth still waits");
    on(() -> {
      s.release();
      return null;
    });
    assertTrue(on(() -> got.get(3).isComplete()));
  }

  @Test
  void aScheduleOfChangesIsParsedAndBadEntriesAreNamed() {
    assertEquals(List.of(new Saturation.Change(30_000, 32), new Saturation.Change(60_000, 8)), Saturation.Change.parse("30s:32, 1m:8"));
    UsageException e = assertThrows(UsageException.class, () -> Saturation.Change.parse("30s:0"));
    assertTrue(e.getMessage().contains("'0' is not a number of servers >= 1"), e.getMessage());
    UsageException f = assertThrows(UsageException.class, () -> Saturation.Change.parse("32"));
    assertTrue(f.getMessage().contains("entry '32' is not TIME:K"), f.getMessage());
  }
}
