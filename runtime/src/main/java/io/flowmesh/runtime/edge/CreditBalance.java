package io.flowmesh.runtime.edge;

/**
 * Credit on one edge, in messages: what the receiver granted and the sender has not yet used.
 * Granting saturates at {@link Long#MAX_VALUE} (which means unbounded); the balance is never
 * negative.
 *
 * <p>Concurrency: not thread-safe; owned by one event loop.
 */
public final class CreditBalance {

  private long available;

  /** The credit granted and not yet used. */
  public long available() {
    return available;
  }

  /**
   * Adds {@code delta} granted messages, saturating at {@link Long#MAX_VALUE}.
   *
   * @throws IllegalArgumentException if {@code delta} is negative
   */
  public void add(long delta) {
    if (delta < 0) {
      throw new IllegalArgumentException("credit delta must not be negative: " + delta);
    }
    available = saturatedAdd(available, delta);
  }

  /**
   * Uses {@code n} messages of credit.
   *
   * @throws IllegalStateException "no credit available" when {@code n} exceeds the balance
   */
  public void consume(long n) {
    if (n < 0 || n > available) {
      throw new IllegalStateException("no credit available: tried to use " + n + " with " + available + " granted");
    }
    if (available != Long.MAX_VALUE) {
      available -= n;
    }
  }

  /**
   * Records {@code n} messages received against this balance, as the receiver does.
   *
   * @return how many messages the sender went over its credit (0 when within it); the balance
   *     is then 0
   */
  public long receive(long n) {
    if (available == Long.MAX_VALUE) {
      return 0;
    }
    if (n <= available) {
      available -= n;
      return 0;
    }
    long over = n - available;
    available = 0;
    return over;
  }

  /** {@code a + b} for non-negative values, or {@link Long#MAX_VALUE} on overflow. */
  public static long saturatedAdd(long a, long b) {
    long r = a + b;
    return r < 0 ? Long.MAX_VALUE : r;
  }

  @Override
  public String toString() {
    return available == Long.MAX_VALUE ? "unbounded" : Long.toString(available);
  }
}
