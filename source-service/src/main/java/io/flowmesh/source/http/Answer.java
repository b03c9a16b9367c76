package io.flowmesh.source.http;

import io.flowmesh.proto.edge.v1.ReplyOutput;
import java.util.List;

/**
 * What became of a serving request (or an ingest with {@code wait=acked}): its id and, once
 * answered, every output the sinks produced for it.
 *
 * @param outcome what became of it
 * @param id the request's message id (the last message's for a batch), null when not accepted
 * @param outputs the outputs, empty when nothing was produced; null unless answered
 * @param messages how many messages the request had
 * @param timeoutMillis the timeout it waited with
 * @param oversize {@link Outcome#TOO_LARGE}: the size of the answer that was not kept, and the bound; else null
 */
record Answer(Outcome outcome, String id, List<ReplyOutput> outputs, int messages, long timeoutMillis, Oversize oversize) {

  Answer(Outcome outcome, String id, List<ReplyOutput> outputs, int messages, long timeoutMillis) {
    this(outcome, id, outputs, messages, timeoutMillis, null);
  }

  /** An async answer of {@code bytes}, over {@code source.serving.max-result-bytes} ({@code max}). */
  record Oversize(long bytes, long max) {
  }

  /** What became of a request. */
  enum Outcome {
    /** Acked end to end; the outputs are its answer. */
    ANSWERED,
    /** Async: taken, the answer comes later ({@code /v1/process/fetch}). */
    SUBMITTED,
    /** No answer within its timeout (504). */
    TIMEOUT,
    /** Async: answered, but larger than {@code source.serving.max-result-bytes}, so not kept (507). */
    TOO_LARGE,
    /** The source's buffer is full (429). */
    FULL,
    /** Too many requests waiting ({@code source.serving.max-pending}) (429). */
    BUSY,
    /** More messages than the queue holds (413). */
    TOO_MANY,
    /** The source is shutting down (503). */
    STOPPING
  }

  static Answer refused(Outcome outcome, int messages) {
    return new Answer(outcome, null, null, messages, 0);
  }
}
