package io.flowmesh.systemtests;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes; the failure says what was awaited. */
final class Await {

  private static final long POLL_MILLIS = 100;

  private Await() {
  }

  /**
   * Waits until {@code condition} holds.
   *
   * @param what what is awaited, for the failure message
   * @param detail evaluated on failure: the state that explains it (e.g. a log tail)
   */
  static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<String> detail) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what + "\n" + detail.get());
      }
      sleep(POLL_MILLIS);
    }
  }

  /**
   * Waits until {@code condition} holds, for as long as {@code progress} keeps growing: fails only
   * when it stood still for {@code stall}. For long runs whose length depends on the machine's load.
   */
  static void whileProgressing(String what, Duration stall, BooleanSupplier condition, LongSupplier progress,
      Supplier<String> detail) {
    long last = progress.getAsLong();
    long lastChange = System.nanoTime();
    while (!condition.getAsBoolean()) {
      long now = progress.getAsLong();
      if (now != last) {
        last = now;
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange > stall.toNanos()) {
        throw new AssertionError("waiting for " + what + ": no progress for " + stall.toSeconds() + " s (stuck at " + now + ")\n"
            + detail.get());
      }
      sleep(POLL_MILLIS);
    }
  }

  static void until(String what, Duration timeout, BooleanSupplier condition) {
    until(what, timeout, condition, () -> "");
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
