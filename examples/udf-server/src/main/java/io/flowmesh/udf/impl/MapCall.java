package io.flowmesh.udf.impl;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.flowmesh.proto.grpc.GrpcFrameReader;
import io.flowmesh.proto.grpc.GrpcFrames;
import io.flowmesh.proto.grpc.GrpcStatusHeaders;
import io.flowmesh.proto.udf.map.v1.MapRequest;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.grpc.common.GrpcStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one {@code MapFn} call on the HTTP/2 stream itself, instead of Vert.x's
 * {@code GrpcServer}: Vert.x's deframer copies everything after each message into a new buffer,
 * so a 16 KB DATA frame of 28 requests was copied about 14 times over (a third of this server's
 * CPU, 14 KB allocated per element). Here {@link GrpcFrameReader} hands each request over as a
 * slice, and the answers of one turn of the event loop go out as one write.
 *
 * <p>What the owner sees mirrors a gRPC server call: requests (parsed), the client's half-close,
 * and the end of a call it did not end; it writes answers and ends the call with a status. The
 * call applies backpressure itself: when a turn's write fills the response's queue, it stops
 * handing over (and reading) requests until the queue drains.
 *
 * <h2>Concurrency</h2>
 * Confined to the event loop of the request.
 */
final class MapCall implements GrpcFrameReader.Sink {

  private static final Logger LOG = LoggerFactory.getLogger(MapCall.class);

  /** What the owner of a call hears. */
  interface Events {
    void onMessage(MapRequest request);

    /** The client half-closed, after its last request was handed over. */
    void onClientEnd();

    /**
     * The call is over without the owner ending it: reset by the client, the connection closed, or
     * refused for what the client sent. Nothing written after this goes out.
     */
    void onReset(Throwable cause);
  }

  static final String PATH = "/map.v1.Map/MapFn";
  private static final int MIN_TURN_BYTES = 4096;
  /** A burst beyond this does not make every later turn start this large. */
  private static final int MAX_TURN_BYTES = 1 << 20;
  /** Unused room beyond which a turn's buffer is cut to its contents before it is written. */
  private static final int SLACK_BYTES = 64 << 10;

  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final Context context;
  private final GrpcFrameReader reader;
  /** Requests parsed while paused, handed over on resume. */
  private final ArrayDeque<MapRequest> held = new ArrayDeque<>();
  private Events events;
  private boolean paused;
  private boolean clientEnded;
  private boolean endReported;
  private boolean closed;
  /** This turn's answers, written as one at the end of the turn; null when none is pending. */
  private ByteBuf pending;
  /**
   * The size the next turn's buffer starts at: the last turn's write, so a steady stream of turns
   * does not grow (and copy) its buffer from 4 KB by doubling every time.
   */
  private int turnBytes = MIN_TURN_BYTES;

  MapCall(HttpServerRequest request, int maxMessageSize) {
    this.request = request;
    this.response = request.response();
    this.context = Vertx.currentContext();
    this.reader = new GrpcFrameReader(maxMessageSize, "UdfServerOptions.maxMessageSize", this);
  }

  /** True for a request this class serves: a gRPC call of {@code MapFn} over HTTP/2 with protobuf messages. */
  static boolean serves(HttpServerRequest request) {
    if (!PATH.equals(request.path()) || request.method() != io.vertx.core.http.HttpMethod.POST
        || request.version() != io.vertx.core.http.HttpVersion.HTTP_2) {
      return false;
    }
    String type = request.getHeader("content-type");
    if (type == null) {
      return false;
    }
    int params = type.indexOf(';');
    type = (params < 0 ? type : type.substring(0, params)).trim().toLowerCase(java.util.Locale.ROOT);
    return type.equals("application/grpc") || type.equals("application/grpc+proto");
  }

  /** Starts reading requests and sends the response headers. */
  void start(Events events) {
    this.events = events;
    response.putHeader("content-type", "application/grpc");
    request.handler(reader::feed);
    request.endHandler(v -> {
      clientEnded = true;
      if (reader.pendingBytes() > 0) {
        refuse(GrpcStatus.INTERNAL, "the request stream ended inside a message (" + reader.pendingBytes()
            + " bytes of it came)");
        return;
      }
      reportEndIfDrained();
    });
    request.exceptionHandler(this::reset);
    response.exceptionHandler(this::reset);
    response.drainHandler(v -> resume());
  }

  @Override
  public boolean onMessage(Buffer message) {
    if (closed) {
      return false;
    }
    MapRequest parsed;
    try {
      parsed = MapRequest.parseFrom(((BufferInternal) message).getByteBuf().nioBuffer());
    } catch (InvalidProtocolBufferException e) {
      refuse(GrpcStatus.INVALID_ARGUMENT, "a MapFn request that is not a map.v1 MapRequest: " + e.getMessage());
      return false;
    }
    if (paused || !held.isEmpty()) {
      held.addLast(parsed);
    } else {
      events.onMessage(parsed);
    }
    return !closed;
  }

  @Override
  public void onMalformed(String detail) {
    refuse(GrpcStatus.INTERNAL, "malformed gRPC message stream: " + detail);
  }

  @Override
  public void onTooLarge(long size, int maxMessageSize, String maxMessageSizeKey) {
    refuse(GrpcStatus.RESOURCE_EXHAUSTED, "a MapFn request of " + size + " bytes is over this server's "
        + maxMessageSizeKey + " of " + maxMessageSize);
  }

  /** Ends the call for what the client sent, and says so in this server's log too. */
  private void refuse(GrpcStatus status, String message) {
    if (!closed) {
      LOG.warn("failing MapFn stream: status={} reason={} remote={}", status, message, request.remoteAddress());
      fail(status, message);
      events.onReset(new IllegalArgumentException(message));
    }
  }

  /** Stops handing over requests (and reading them, once those already here are parsed). */
  private void pause() {
    if (!paused) {
      paused = true;
      request.pause();
    }
  }

  /** Hands over the requests held while paused, then reads on. */
  private void resume() {
    if (!paused || closed) {
      return;
    }
    paused = false;
    while (!paused && !closed && !held.isEmpty()) {
      events.onMessage(held.pollFirst());
    }
    if (!paused && !closed) {
      request.resume();
      reportEndIfDrained();
    }
  }

  private void reportEndIfDrained() {
    if (clientEnded && !endReported && !closed && held.isEmpty()) {
      endReported = true;
      events.onClientEnd();
    }
  }

  /** Queues {@code answer} for this turn's write. */
  void write(MapResponse answer) {
    if (closed) {
      return;
    }
    int size = answer.getSerializedSize();
    if (pending == null) {
      pending = Unpooled.buffer(Math.max(turnBytes, GrpcFrames.PREFIX + size));
      context.runOnContext(v -> flush());
    }
    pending.ensureWritable(GrpcFrames.PREFIX + size);
    pending.writeByte(0).writeInt(size);
    int at = pending.writerIndex();
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(pending.array(), pending.arrayOffset() + at, size);
      answer.writeTo(out);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("encoding a MapResponse into an array of its exact size", e);
    }
    pending.writerIndex(at + size);
  }

  private void flush() {
    ByteBuf out = pending;
    pending = null;
    if (out != null && !closed && out.isReadable()) {
      turnBytes = Math.max(MIN_TURN_BYTES, Math.min(out.readableBytes(), MAX_TURN_BYTES));
      if (out.capacity() - out.readableBytes() > SLACK_BYTES) {
        // a small turn after a large one: the write queue counts readable bytes, so do not park the rest there
        out.capacity(out.readableBytes());
      }
      response.write(BufferInternal.buffer(out));
      if (response.writeQueueFull()) {
        pause();
      }
    }
  }

  /** Ends the call with status OK after the answers written. */
  void end() {
    fail(GrpcStatus.OK, null);
  }

  /** Ends the call with {@code status} and {@code message} (null for none), after the answers already written. */
  void fail(GrpcStatus status, String message) {
    if (closed) {
      return;
    }
    try {
      flush();
    } finally {
      closed = true;
      held.clear();
      GrpcStatusHeaders.put(response, status.code, message);
      response.end();
      if (paused && !request.isEnded()) {
        request.resume(); // what still comes is read and dropped, not left holding the flow-control window
      }
    }
  }

  private void reset(Throwable cause) {
    if (!closed) {
      closed = true;
      pending = null;
      held.clear();
      events.onReset(cause);
    }
  }
}
