package io.flowmesh.map.udf;

import io.flowmesh.runtime.udf.StreamEnd;
import io.flowmesh.runtime.udf.UdfChannel;
import io.flowmesh.runtime.udf.UdfStream;
import io.vertx.core.Context;

/**
 * One {@code MapFn} call: a {@link UdfStream} of {@code map.v1} (handshake
 * {@code MapRequest{handshake{sot: true}}}, answered by a {@code MapResponse} with the same) that
 * sends map requests and EOTs, encoded straight into the stream's end-of-turn write, and reads the
 * answers with {@link MapAnswerDecoder}.
 *
 * <p>Reports to its {@link Events} exactly once how it ended, unless the owner ended it
 * with {@link #cancel()} or {@link #finish()}; after that it reports nothing more.
 *
 * <h2>Concurrency</h2>
 * Confined to the event loop of the context that created it.
 */
final class MapFnStream implements UdfStream.Events<MapAnswer> {

  /** What the owner of a stream hears. */
  interface Events {
    /** The UDF answered the handshake; requests may be sent. */
    void onOpen(MapFnStream stream);

    /** A response after the handshake. */
    void onResponse(MapFnStream stream, MapAnswer response);

    /** The stream ended; called once, and never after {@link #cancel()} or {@link #finish()}. */
    void onEnd(MapFnStream stream, StreamEnd end);
  }

  private final MapFrames frames;
  private final Events events;
  private final UdfStream<MapAnswer> stream;

  MapFnStream(UdfChannel channel, UdfStream.Spec<MapAnswer> spec, Context context, MapFrames frames,
      boolean coalesce, Events events) {
    this.frames = frames;
    this.events = events;
    this.stream = new UdfStream<>(channel, spec, context, coalesce, this);
  }

  /** The {@code MapFn} call of {@code channel}, made once per client. */
  static UdfStream.Spec<MapAnswer> spec(UdfChannel channel) {
    return new UdfStream.Spec<>(channel.method("MapFn"), MapFrames.HANDSHAKE, MapAnswerDecoder::decode,
        MapAnswer::isHandshake, MapAnswer::describe, "MapResponse");
  }

  /** Opens the stream and sends the handshake. */
  void open() {
    stream.open();
  }

  /** True once the UDF answered the handshake and until the stream ends. */
  boolean isOpen() {
    return stream.isOpen();
  }

  /** Queues a request for the end-of-turn write. */
  void send(long id, UdfElement element) {
    frames.appendRequest(stream.queue(), element, id);
    stream.commit();
  }

  /** Queues the end of a batch for the end-of-turn write. */
  void sendEot() {
    MapFrames.appendEot(stream.queue());
    stream.commit();
  }

  /** Resets the stream (RST_STREAM CANCEL); no further events. */
  void cancel() {
    stream.cancel();
  }

  /** Ends the sending side gracefully (END_STREAM) after what is queued; no further events. */
  void finish() {
    stream.finish();
  }

  /** Ends with a protocol violation and resets the stream. */
  void fail(String detail) {
    stream.fail(detail);
  }

  /** When the response being handled arrived ({@link UdfStream#receivedNanos()}). */
  long receivedNanos() {
    return stream.receivedNanos();
  }

  @Override
  public void onOpen(UdfStream<MapAnswer> s) {
    events.onOpen(this);
  }

  @Override
  public void onResponse(UdfStream<MapAnswer> s, MapAnswer response) {
    events.onResponse(this, response);
  }

  @Override
  public void onEnd(UdfStream<MapAnswer> s, StreamEnd end) {
    events.onEnd(this, end);
  }
}
