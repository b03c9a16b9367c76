package io.flowmesh.examples.numaflow;

import io.numaproj.numaflow.mapstreamer.Datum;
import io.numaproj.numaflow.mapstreamer.MapStreamer;
import io.numaproj.numaflow.mapstreamer.Message;
import io.numaproj.numaflow.mapstreamer.OutputObserver;

import java.nio.charset.StandardCharsets;

/**
 * Stream map: splits each element's value (UTF-8) at whitespace (or into pieces of {@code chunk}
 * characters) and sends one result per word,
 * keeping the element's keys; optionally waits {@code delayMillis} between two words, so the
 * results of one element arrive spread out in time. A value with no word gets no result.
 */
public final class WordsMapStreamer extends MapStreamer {

  private final long delayMillis;
  private final int chunk;

  /** {@code chunk > 0}: pieces of that many characters instead of words (for values without spaces). */
  public WordsMapStreamer(long delayMillis, int chunk) {
    this.delayMillis = delayMillis;
    this.chunk = chunk;
  }

  @Override
  public void processMessage(String[] keys, Datum datum, OutputObserver out) {
    String text = new String(datum.getValue(), StandardCharsets.UTF_8);
    boolean first = true;
    String[] words = chunk > 0 ? text.split("(?<=\\G.{" + chunk + "})") : text.split("\\s+");
    for (String word : words) {
      if (word.isEmpty()) {
        continue;
      }
      if (!first && delayMillis > 0) {
        try {
          Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while streaming the words of one element", e);
        }
      }
      first = false;
      out.send(new Message(word.getBytes(StandardCharsets.UTF_8), keys));
    }
  }
}
