package io.flowmesh.udf.impl;

import io.flowmesh.proto.udf.map.v1.MapRequest;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.flowmesh.udf.Datum;
import io.flowmesh.udf.MapHandler;
import io.flowmesh.udf.MapResult;
import io.flowmesh.udf.ResponseRewriter;
import io.flowmesh.udf.ResultStream;
import io.flowmesh.udf.StreamMapHandler;
import java.util.Objects;

/**
 * Stream map: each element is mapped as it arrives; every result goes out as soon as it is sent,
 * in a response carrying the element's id, and the element ends with an EOT carrying its id.
 * Many elements are in flight at once and their responses interleave. With a {@link MapHandler}
 * instead of a {@link StreamMapHandler}, an element's results go out together in one response,
 * then its EOT. The call ends with OK once the client has half-closed and every element has ended.
 *
 * <h2>Concurrency</h2>
 * Confined to the event-loop thread that opened the call; a {@link ResultStream} used from
 * another thread hands its calls over to it.
 */
final class StreamMapStream extends MapStream {

  /** The user's stream function, or null when a {@link MapHandler} answers each element at once. */
  private final StreamMapHandler streamHandler;
  /** Elements received and not yet ended. */
  private int inFlight;

  StreamMapStream(MapCall call, MapHandler handler,
      StreamMapHandler streamHandler, ResponseRewriter rewriter) {
    super(call, handler, rewriter);
    this.streamHandler = streamHandler;
  }

  @Override
  protected void onRequest(MapRequest message) {
    if (message.hasStatus()) {
      return; // an end of transmission means nothing in stream mode
    }
    inFlight++;
    Datum datum = Datum.of(message);
    if (streamHandler == null) {
      map(datum);
      return;
    }
    Output out = new Output(datum.id());
    try {
      streamHandler.apply(datum, out);
    } catch (RuntimeException e) {
      out.failed = true;
      handlerFailed(datum.id(), e);
    }
  }

  @Override
  protected void onAnswered(String id) {
    write(Responses.endOf(id));
    ended();
  }

  @Override
  protected void onClientEnded() {
    if (inFlight == 0) {
      end();
    }
  }

  private void ended() {
    inFlight--;
    if (inFlight == 0 && clientEnded()) {
      end();
    }
  }

  /** One element's {@link ResultStream}. */
  private final class Output implements ResultStream {
    private final String id;
    /** Set by the caller's thread: a second end, or a send after it, is refused at once. */
    private volatile boolean done;
    private volatile boolean failed;

    Output(String id) {
      this.id = id;
    }

    @Override
    public void send(MapResult result) {
      Objects.requireNonNull(result, "result");
      checkOpen("send()");
      onOwner(() -> {
        if (!closed()) {
          emit(Responses.answer(id, result));
        }
      });
    }

    @Override
    public void end() {
      checkOpen("end()");
      done = true;
      onOwner(() -> {
        if (!closed()) {
          onAnswered(id);
        }
      });
    }

    @Override
    public void fail(Throwable cause) {
      Objects.requireNonNull(cause, "cause");
      checkOpen("fail()");
      done = true;
      failed = true;
      onOwner(() -> handlerFailed(id, cause));
    }

    private void checkOpen(String call) {
      if (done || failed) {
        throw new IllegalStateException("ResultStream." + call + " for element id=" + id + " after it "
            + (failed ? "failed" : "ended"));
      }
    }
  }
}
