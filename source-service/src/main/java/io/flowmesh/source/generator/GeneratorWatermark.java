package io.flowmesh.source.generator;

/**
 * The generator's watermark: the oldest creation time among messages still unsent (queued at the
 * edge), or now when none is, minus the jitter bound — since a message created at {@code t} has
 * an event time of at least {@code t - jitter}.
 *
 * <p>It remembers one (end index, creation time) pair per produced batch, not per message, and
 * forgets the batches the edge has sent. When the ring is full the newest pair is extended, which
 * keeps the older (smaller, so safe) time. Redeliveries put old messages back in the queue; their
 * event times are already behind the watermark, so they are late data, as after any failure.
 *
 * <p>Concurrency: not thread-safe; owned by the source's event loop.
 */
final class GeneratorWatermark {

  private static final int RING = 1024;

  private final long jitterMillis;
  private final long[] ends = new long[RING];
  private final long[] times = new long[RING];
  private int head;
  private int size;

  GeneratorWatermark(long jitterMillis) {
    this.jitterMillis = jitterMillis;
  }

  /** Messages with index below {@code endIndex} were created at {@code nowMillis} or before. */
  void produced(long endIndex, long nowMillis) {
    if (size == RING) {
      ends[(head + size - 1) % RING] = endIndex;
      return;
    }
    int i = (head + size) % RING;
    ends[i] = endIndex;
    times[i] = nowMillis;
    size++;
  }

  /**
   * @param produced messages produced so far (indices 0..produced-1)
   * @param queued messages at the edge not yet sent
   */
  long watermark(long nowMillis, long produced, long queued) {
    long firstUnsent = produced - queued;
    while (size > 0 && ends[head] <= firstUnsent) {
      head = (head + 1) % RING;
      size--;
    }
    long oldest = queued == 0 || size == 0 ? nowMillis : Math.min(nowMillis, times[head]);
    return oldest - jitterMillis;
  }
}
