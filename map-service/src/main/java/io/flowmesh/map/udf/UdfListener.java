package io.flowmesh.map.udf;

import java.util.List;

/**
 * Where a {@link UdfClient} reports completed elements. Every element handed to the client
 * gets exactly one call: {@link #onResults} or {@link #onFailure}. Calls arrive on the
 * client's event loop. An exception thrown from a callback is logged and does not affect
 * the client.
 */
public interface UdfListener {

  /**
   * The UDF answered {@code element}. An empty list, or a result tagged with the reserved
   * tag {@code \__DROP__}, means the UDF dropped it; interpreting that is the engine's job.
   */
  void onResults(UdfElement element, List<UdfResult> results);

  /**
   * The client gave up on {@code element}: its attempts are exhausted under
   * {@link OnFailure#DROP} or {@link OnFailure#FAIL}, it cannot be sent at all, or the
   * client was closed while it was in flight. The engine drops or nacks it.
   */
  void onFailure(UdfElement element, UdfFailure failure);

  /**
   * Time between sending the attempt that succeeded and receiving its response, in
   * nanoseconds; for the UDF call-time histogram. Called just before {@link #onResults}.
   * The default does nothing.
   */
  default void onCallTime(long nanos) {
  }

  /**
   * How the client reports an answer: {@code callNanos} as for {@link #onCallTime}, {@code nowNanos}
   * when the answer arrived ({@link System#nanoTime()}, read once for the answers of one received
   * chunk). The default calls {@link #onCallTime} and then {@link #onResults}; a listener that wants
   * the time of arrival overrides this instead of reading the clock again.
   */
  default void onAnswered(UdfElement element, List<UdfResult> results, long callNanos, long nowNanos) {
    onCallTime(callNanos);
    onResults(element, results);
  }
}
