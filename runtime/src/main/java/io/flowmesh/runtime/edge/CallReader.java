package io.flowmesh.runtime.edge;

import io.flowmesh.runtime.errors.Reasons;
import io.flowmesh.proto.grpc.GrpcFrameReader;
import io.vertx.core.buffer.Buffer;

/**
 * One side of an edge call read as frames ({@link GrpcFrameReader}), for {@link EdgeCall} and
 * {@link EdgeClientCall}: once it stops — a frame over {@code edge.max-frame-bytes}, a body that is
 * not frames, an exception while a frame was handled (the reader would have lost its place), or
 * {@link #stop()} — nothing more is read.
 *
 * <h2>Concurrency</h2>
 * Confined to the event loop of its call.
 */
final class CallReader {

  /** What the reader finds. */
  interface Listener {
    /** One whole frame, without its prefix: a slice of what Vert.x delivered, or a copy of a frame cut between pieces. */
    void onFrame(Buffer frame);

    /** A frame over {@code edge.max-frame-bytes}, refused from its prefix. */
    void onTooLarge(long size);

    /** What arrived is not a stream of frames. */
    void onMalformed(String detail);
  }

  private final GrpcFrameReader reader;
  private final Listener listener;
  private boolean stopped;

  CallReader(int maxFrameBytes, Listener listener) {
    this.listener = listener;
    this.reader = new GrpcFrameReader(maxFrameBytes, "edge.max-frame-bytes", new GrpcFrameReader.Sink() {
      @Override
      public boolean onMessage(Buffer message) {
        listener.onFrame(message);
        return !stopped;
      }

      @Override
      public void onTooLarge(long size, int max, String key) {
        stopped = true;
        listener.onTooLarge(size);
      }

      @Override
      public void onMalformed(String detail) {
        stopped = true;
        listener.onMalformed(detail);
      }
    });
  }

  /** The next piece of the body, as Vert.x delivered it. */
  void feed(Buffer data) {
    if (stopped) {
      return;
    }
    try {
      reader.feed(data);
    } catch (RuntimeException e) {
      stopped = true;
      listener.onMalformed("handling a frame failed: " + Reasons.of(e));
    }
  }

  /** The body ended: true when it ended between frames (or reading had stopped); otherwise says so as malformed. */
  boolean endedCleanly() {
    if (!stopped && reader.pendingBytes() > 0) {
      stopped = true;
      listener.onMalformed("the stream ended inside a frame (" + reader.pendingBytes() + " bytes of it)");
      return false;
    }
    return true;
  }

  /** Reads nothing more. */
  void stop() {
    stopped = true;
  }

  boolean stopped() {
    return stopped;
  }
}
