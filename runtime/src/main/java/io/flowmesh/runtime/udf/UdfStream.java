package io.flowmesh.runtime.udf;

import io.flowmesh.proto.grpc.GrpcFrameReader;
import io.flowmesh.proto.grpc.GrpcFrames;
import io.flowmesh.proto.grpc.GrpcStatusHeaders;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.flowmesh.runtime.buffer.OwnedWrites;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.buffer.BufferInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One bidirectional streaming call to a UDF, any Numaflow protocol ({@code MapFn}, {@code ReadFn},
 * {@code AckFn}, {@code SinkFn}, {@code SourceTransformFn}), spoken as raw gRPC over an HTTP/2
 * stream of a {@link UdfChannel}: it sends the handshake its {@link Spec} gives, checks that the
 * first response answers it, then carries requests out and decoded responses ({@code R}) in.
 * What the requests and responses mean is the owner's business.
 *
 * <p><b>Coalesced writes.</b> The owner encodes requests as length-prefixed frames into
 * {@link #queue()}'s buffer, which is written once at the end of the event-loop turn (through
 * {@link Context#runOnContext}): a turn that sends 1,000 requests makes one write and one
 * flush, not 1,000. Each request is still its own gRPC message, as the protocol wants.
 *
 * <p>Reports to its {@link Events} exactly once how it ended, unless the owner ended it
 * with {@link #cancel()} or {@link #finish()}; after that it reports nothing more.
 *
 * <h2>Concurrency</h2>
 * Confined to the event loop of the context that created it.
 */
public final class UdfStream<R> {

  private static final Logger LOG = LoggerFactory.getLogger(UdfStream.class);
  private static final int INITIAL_BUFFER = 8192;
  /** The most a turn's buffer is sized for up front; a larger turn grows it as needed. */
  private static final int MAX_PRESIZE = 4 << 20;

  /**
   * Where each turn's write buffer comes from: Netty's default (pooled) allocator. A test may put an
   * instrumented one here before any stream exists, to see every buffer given back.
   */
  public static ByteBufAllocator turns = ByteBufAllocator.DEFAULT;

  /** What the owner of a stream hears. */
  public interface Events<R> {
    /** The UDF answered the handshake; requests may be sent. */
    void onOpen(UdfStream<R> stream);

    /** A response after the handshake. */
    void onResponse(UdfStream<R> stream, R response);

    /** The stream ended; called once, and never after {@link #cancel()} or {@link #finish()}. */
    void onEnd(UdfStream<R> stream, StreamEnd end);
  }

  /**
   * Turns one received gRPC message, {@code array[offset, offset + length)}, into a response. Called
   * on the stream's event loop, once per message. Nobody writes the array again
   * ({@link GrpcFrameReader.ArraySink}), so the response may keep slices of it (values), which keep
   * the whole array alive as long as they live.
   */
  @FunctionalInterface
  public interface Decoder<R> {
    R decode(byte[] array, int offset, int length) throws InvalidProtocolBufferException;
  }

  /**
   * One method of a protocol, made once per client and shared by its streams.
   *
   * @param method the call, from {@link UdfChannel#method}
   * @param handshake the whole frame of the handshake request (e.g. {@code MapRequest{handshake{sot: true}}})
   * @param decoder reads a response from a received message
   * @param handshakeAnswer true for the response that answers the handshake
   * @param describe a short text of a response, for errors
   * @param responseName the response message's name, for errors ({@code MapResponse})
   */
  public record Spec<R>(RequestOptions method, byte[] handshake, Decoder<R> decoder,
      Predicate<R> handshakeAnswer, Function<R, String> describe, String responseName) {

    /** A method whose responses are protobuf messages read by their generated parser. */
    public static <M extends Message> Spec<M> protobuf(RequestOptions method, byte[] handshake, Parser<M> parser,
        Predicate<M> handshakeAnswer, String responseName) {
      return new Spec<>(method, handshake, (array, offset, length) -> UdfResponses.parse(parser, array, offset, length),
          handshakeAnswer, UdfResponses::describe, responseName);
    }
  }

  private final UdfChannel channel;
  private final Spec<R> spec;
  private final Context context;
  private final Events<R> events;
  private final boolean coalesce;
  private final GrpcFrameReader reader;
  private final Handler<Void> flushTask = v -> flush();
  private final Handler<Throwable> failureHandler = this::onException;
  private HttpClientRequest request;
  /** This turn's write: {@link #outBuf}, a pooled direct buffer, as a Vert.x buffer. */
  private Buffer out;
  private ByteBuf outBuf;
  /** Bytes written by the last turn: the next turn's buffer starts at that size, so it rarely grows. */
  private int lastTurnBytes = INITIAL_BUFFER;
  private boolean flushScheduled;
  /** {@link System#nanoTime()} when the chunk being read arrived ({@link #receivedNanos()}). */
  private long receivedNanos;
  private boolean open;
  private boolean done;

  /**
   * A stream on {@code channel}; {@link #open()} starts it.
   *
   * @param context the event-loop context of the owner, where the end-of-turn write runs
   * @param coalesce false writes at once on each {@link #queue()} instead of at the end of the turn
   */
  public UdfStream(UdfChannel channel, Spec<R> spec, Context context, boolean coalesce, Events<R> events) {
    this.channel = channel;
    this.spec = spec;
    this.context = context;
    this.events = events;
    this.coalesce = coalesce;
    UdfConnection c = channel.connection();
    this.reader = new GrpcFrameReader(c.maxMessageSize(), c.key("max-message-size"), new GrpcFrameReader.ArraySink() {
      @Override
      public boolean onMessage(byte[] array, int offset, int length) {
        return onFrame(array, offset, length);
      }

      @Override
      public void onMalformed(String detail) {
        fail(detail);
      }
    });
  }

  /** Opens the stream and sends the handshake. */
  public void open() {
    channel.open(spec.method()).onComplete(this::onRequest);
  }

  /**
   * When the chunk of the response stream now being read arrived ({@link System#nanoTime()}): the
   * time of every response decoded from it, read once per chunk instead of once per response (a
   * 16 KiB chunk holds ~30 answers of 500 bytes). Meaningful in {@link Events#onResponse}.
   */
  public long receivedNanos() {
    return receivedNanos;
  }

  /** True once the UDF answered the handshake and until the stream ends. */
  public boolean isOpen() {
    return open && !done;
  }

  /**
   * The buffer of this turn's write, to append whole frames to ({@link GrpcFrames}); then call
   * {@link #commit()}. No frame is built per message this way: encode straight into it.
   *
   * @throws IllegalStateException unless the stream {@link #isOpen()}
   */
  public Buffer queue() {
    return buffer();
  }

  /** What was appended to {@link #queue()} goes out at the end of the turn (at once without coalescing). */
  public void commit() {
    scheduleFlush();
  }

  /** Queues a whole frame for the end-of-turn write. */
  public void send(byte[] frame) {
    buffer().appendBytes(frame);
    scheduleFlush();
  }

  /** Resets the stream (RST_STREAM CANCEL); no further events. */
  public void cancel() {
    if (done) {
      return;
    }
    done = true;
    dropTurn();
    if (request != null) {
      request.reset();
    }
  }

  /** Ends the sending side gracefully (END_STREAM) after what is queued; no further events. */
  public void finish() {
    if (done) {
      return;
    }
    done = true;
    if (request == null) {
      dropTurn();
      return;
    }
    if (out == null) {
      request.end().onFailure(t -> { });
    } else {
      send(true).onFailure(t -> { });
    }
  }

  private Buffer buffer() {
    if (done || !open) {
      throw new IllegalStateException("UdfStream: requests are sent only on an open stream");
    }
    if (out == null) {
      // Sized from the last turn (plus an eighth): a buffer that starts at 8 KiB and doubles up to
      // a turn's size copies every byte about twice more. Pooled and direct: Netty writes a direct
      // buffer to the socket as it is (a heap one it copies first), and the pool takes it back
      // once written ({@link #send}), so a turn allocates nothing on the heap.
      outBuf = turns.directBuffer(Math.min(MAX_PRESIZE, lastTurnBytes + (lastTurnBytes >> 3)));
      out = BufferInternal.buffer(outBuf);
    }
    return out;
  }

  /** Writes this turn's buffer ({@code end}: and ends the stream) and gives it back to the pool once written or refused. */
  private Future<Void> send(boolean end) {
    Buffer b = out;
    ByteBuf owned = outBuf;
    out = null;
    outBuf = null;
    return OwnedWrites.writeThenRelease(owned, () -> end ? request.end(b) : request.write(b));
  }

  /** Gives an unsent turn back to the pool. */
  private void dropTurn() {
    if (outBuf != null) {
      outBuf.release();
    }
    out = null;
    outBuf = null;
  }

  private void scheduleFlush() {
    if (!coalesce) {
      flush();
    } else if (!flushScheduled) {
      flushScheduled = true;
      context.runOnContext(flushTask);
    }
  }

  private void flush() {
    flushScheduled = false;
    if (out == null) {
      return;
    }
    if (done) {
      dropTurn();
      return;
    }
    lastTurnBytes = Math.max(INITIAL_BUFFER, out.length());
    send(false).onFailure(failureHandler);
  }

  private void onRequest(AsyncResult<HttpClientRequest> ar) {
    if (ar.failed()) {
      end(StreamEnd.transport(ar.cause()));
      return;
    }
    HttpClientRequest req = ar.result();
    if (done) {
      req.reset();
      return;
    }
    request = req;
    try {
      // HTTP/2 has no chunked encoding; this only tells Vert.x that the body length is open.
      req.setChunked(true);
      req.exceptionHandler(failureHandler);
      req.response().onComplete(this::onHead);
      req.write(Buffer.buffer(spec.handshake())).onFailure(failureHandler);
    } catch (RuntimeException e) {
      LOG.error("Failed to open a {} stream: address={}", spec.method().getURI(), channel.address(), e);
      end(StreamEnd.transport(e));
    }
  }

  private void onHead(AsyncResult<HttpClientResponse> ar) {
    if (ar.failed()) {
      if (done) {
        // Finished before the UDF answered, so end() below does not reset it: reset it now, or a head
        // read after its connection failed would complete the failed response (see UdfChannel.dropLateAnswer).
        request.reset();
      }
      onException(channel.explain(ar.cause()));
      return;
    }
    HttpClientResponse resp = ar.result();
    if (done) {
      return;
    }
    boolean trailersOnly = resp.headers().contains("grpc-status");
    String contentType = resp.getHeader("content-type");
    if (resp.statusCode() != 200) {
      fail("HTTP status " + resp.statusCode() + " from " + channel.address() + "; is it a gRPC server?");
      return;
    }
    if (!trailersOnly && (contentType == null || !contentType.startsWith("application/grpc"))) {
      fail("content-type '" + contentType + "' from " + channel.address() + " is not application/grpc");
      return;
    }
    resp.exceptionHandler(failureHandler);
    resp.handler(this::onData);
    resp.endHandler(v -> onBodyEnd(resp));
  }

  private void onData(Buffer data) {
    if (done) {
      return;
    }
    receivedNanos = System.nanoTime();
    try {
      reader.feed(data);
    } catch (RuntimeException e) {
      LOG.error("Failed to handle a response from the UDF; restarting the stream, address={}",
          channel.address(), e);
      fail("response handling failed: " + e);
    }
  }

  private boolean onFrame(byte[] array, int offset, int length) {
    R response;
    try {
      response = spec.decoder().decode(array, offset, length);
    } catch (InvalidProtocolBufferException e) {
      fail("undecodable " + spec.responseName() + ": " + e.getMessage());
      return false;
    }
    if (!open) {
      if (spec.handshakeAnswer().test(response)) {
        open = true;
        events.onOpen(this);
        return !done;
      }
      fail("invalid handshake: the first response must carry handshake{sot: true}, got {"
          + spec.describe().apply(response) + "}");
      return false;
    }
    events.onResponse(this, response);
    return !done;
  }

  private void onBodyEnd(HttpClientResponse resp) {
    if (done) {
      return;
    }
    String status = GrpcStatusHeaders.status(resp.headers(), resp.trailers());
    if (status == null) {
      fail("the stream ended without grpc-status");
    } else if (reader.pendingBytes() > 0) {
      fail("the stream ended inside a message (" + reader.pendingBytes() + " bytes left over)");
    } else {
      int code;
      try {
        code = Integer.parseInt(status.trim());
      } catch (NumberFormatException e) {
        fail("grpc-status '" + status + "' is not a number");
        return;
      }
      end(StreamEnd.status(code, GrpcStatusHeaders.message(resp.headers(), resp.trailers())));
    }
  }

  private void onException(Throwable t) {
    end(StreamEnd.transport(t));
  }

  /** Ends with a protocol violation and resets the stream. */
  public void fail(String detail) {
    end(StreamEnd.violation(detail));
  }

  private void end(StreamEnd end) {
    if (done) {
      return;
    }
    done = true;
    dropTurn();
    if (request != null) {
      request.reset();
    }
    events.onEnd(this, end);
  }
}
