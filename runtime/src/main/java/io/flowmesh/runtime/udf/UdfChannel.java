package io.flowmesh.runtime.udf;

import io.flowmesh.proto.grpc.GrpcFrameReader;
import io.flowmesh.proto.grpc.GrpcFrames;
import io.flowmesh.proto.grpc.GrpcStatusHeaders;
import com.google.protobuf.CodedInputStream;
import io.flowmesh.runtime.buffer.ProtoInput;
import io.flowmesh.runtime.tls.TlsOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP/2 connection to a UDF (cleartext with prior knowledge, or TLS with ALPN when
 * {@code <keys>.tls.enabled}) on which a client speaks gRPC itself: it opens streams on any
 * method of its {@link UdfService} ({@link #method}, {@link #open}) and calls that service's
 * {@code IsReady}. One pooled connection; when it breaks, the next stream opens a new one.
 * The protocol on the streams is the client's ({@link UdfStream} carries it).
 *
 * <h2>Concurrency</h2>
 * Create and use on the client's event loop: the connection and its streams then deliver
 * their events there.
 */
public final class UdfChannel {

  private static final Logger LOG = LoggerFactory.getLogger(UdfChannel.class);

  /** Stream-level HTTP/2 window: room for many in-flight requests and responses. */
  static final int STREAM_WINDOW = 4 * 1024 * 1024;
  /** Connection-level HTTP/2 window, shared by the batch streams. */
  static final int CONNECTION_WINDOW = 16 * 1024 * 1024;
  /** Largest DATA frame we accept; fewer frames for big responses. */
  static final int MAX_FRAME_SIZE = 1024 * 1024;

  /** The tag of {@code ReadyResponse.ready}: field 1, varint. */
  private static final int READY_TAG = 1 << 3;
  private static final byte[] EMPTY_MESSAGE = new byte[GrpcFrames.PREFIX];

  private final UdfConnection connection;
  private final UdfService service;
  private final UdfAddress address;
  private final TlsOptions tls;
  private final HttpClientAgent client;
  private final long isReadyTimeoutMillis;

  /**
   * The longest an {@code IsReady} call waits, whatever {@code udf.timeout} says: it answers
   * {@code /readyz}, and a probe gives up after a few seconds (3 s in the Helm chart and the
   * compose file), so a hung UDF must make {@code /readyz} say so before the probe stops listening.
   */
  static final long IS_READY_TIMEOUT_CAP_MILLIS = 2_000;

  /**
   * A channel to the UDF at {@code connection.address()} serving {@code service}.
   *
   * @throws IllegalArgumentException if the address is invalid
   */
  public UdfChannel(Vertx vertx, UdfConnection connection, UdfService service) {
    this.connection = connection;
    this.service = service;
    this.address = connection.parsedAddress();
    this.tls = connection.tls();
    this.isReadyTimeoutMillis = Math.max(1, Math.min(IS_READY_TIMEOUT_CAP_MILLIS, connection.timeout().toMillis()));
    HttpClientOptions options = new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false)
        .setHttp2ConnectionWindowSize(CONNECTION_WINDOW)
        .setInitialSettings(new Http2Settings()
            .setInitialWindowSize(STREAM_WINDOW)
            .setMaxFrameSize(MAX_FRAME_SIZE))
        .setTcpNoDelay(true)
        .setTcpKeepAlive(true)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, connection.timeout().toMillis())))
        .setName("udf-" + address.text());
    tls.applyTo(options);
    this.client = vertx.httpClientBuilder()
        .with(options)
        .with(new PoolOptions().setHttp2MaxSize(1))
        .withConnectHandler(conn -> conn.exceptionHandler(t ->
            LOG.debug("UDF connection error (its streams report it): address={} error={}", address, t.toString())))
        .build();
  }

  public UdfAddress address() {
    return address;
  }

  public UdfConnection connection() {
    return connection;
  }

  public UdfService service() {
    return service;
  }

  /**
   * The request of a call of {@code method} (e.g. {@code MapFn}); make it once and pass it to
   * {@link #open} for every stream of that method.
   */
  public RequestOptions method(String method) {
    return request(service.path(method));
  }

  /** Opens a stream of the call {@code method} made; nothing is sent until the first write. */
  public Future<HttpClientRequest> open(RequestOptions method) {
    return dial(method).recover(e -> Future.failedFuture(explain(e)));
  }

  /**
   * Vert.x throws, rather than failing the future, once the client is closed: a reconnect or
   * readiness timer that fires during shutdown gets a failed future like any other failed dial.
   */
  private Future<HttpClientRequest> dial(RequestOptions options) {
    try {
      return client.request(options);
    } catch (IllegalStateException closed) {
      return Future.failedFuture(new IllegalStateException("UDF channel to " + address + " is closed", closed));
    }
  }

  /**
   * A failure to reach the UDF, said in words when it is a TLS problem or a TLS mismatch (see
   * {@link TlsMismatch}); only for failures before the UDF answered anything on the stream.
   */
  public Throwable explain(Throwable failure) {
    return TlsMismatch.explain(address, tls, connection.key("tls"), failure);
  }

  /**
   * Calls the service's {@code IsReady}: true if the UDF says it is ready; failed on any error, and
   * on no answer within {@code udf.timeout} or {@link #IS_READY_TIMEOUT_CAP_MILLIS}, whichever is
   * shorter.
   */
  public Future<Boolean> isReady() {
    RequestOptions options = request(service.isReadyPath()).setTimeout(isReadyTimeoutMillis);
    return dial(options)
        .compose(req -> sendUnary(req, Buffer.buffer(EMPTY_MESSAGE)))
        .compose(resp -> resp.body().compose(body -> readReady(resp, body)))
        .recover(e -> Future.failedFuture(e instanceof TimeoutException
            ? new IllegalStateException("no answer to " + service.isReadyPath() + " within " + isReadyTimeoutMillis
                + " ms: hung or overloaded", e)
            : explain(e)));
  }

  /**
   * Sends a unary call's whole request. When its response fails before its head came, the call is
   * reset, so Vert.x drops a head that still comes. Vert.x marks a request reset only when it
   * times out or is reset; a call failed by its connection's failure (a write that fails mid-read,
   * e.g. on a UDF resumed after SIGSTOP that resets the connection) stays unmarked while the rest
   * of that read is decoded, and a head on its stream then completes the already failed response:
   * Vert.x throws "Result is already complete" on the event loop and logs it at ERROR with its
   * stack trace. The reset runs synchronously within that failure (same context), before the next
   * frame is read; a call that timed out or that the UDF reset is reset already: nothing is written.
   * Every unary call on a UDF channel goes through here ({@code IsReady}, a user-defined source's
   * {@code PendingFn}, {@code PartitionsFn}, {@code NackFn}).
   */
  public static Future<HttpClientResponse> sendUnary(HttpClientRequest req, Buffer body) {
    return req.send(body).onFailure(e -> req.reset());
  }

  private Future<Boolean> readReady(HttpClientResponse resp, Buffer body) {
    String status = GrpcStatusHeaders.status(resp.headers(), resp.trailers());
    if (status == null) {
      return Future.failedFuture(new IllegalStateException(service.isReadyPath() + " on " + address
          + ": no grpc-status (HTTP status " + resp.statusCode() + "); is this a gRPC server?"));
    }
    if (!"0".equals(status)) {
      return Future.failedFuture(new IllegalStateException(service.isReadyPath() + " on " + address + ": grpc-status "
          + status + " " + GrpcStatusHeaders.message(resp.headers(), resp.trailers())));
    }
    Boolean[] ready = new Boolean[1];
    String[] malformed = new String[1];
    GrpcFrameReader reader = new GrpcFrameReader(connection.maxMessageSize(), connection.key("max-message-size"),
        new GrpcFrameReader.Sink() {
          @Override
          public boolean onMessage(Buffer message) {
            try {
              ready[0] = readyField(message);
            } catch (IOException e) {
              malformed[0] = "undecodable ReadyResponse: " + e.getMessage();
            }
            return false;
          }

          @Override
          public void onMalformed(String detail) {
            malformed[0] = detail;
          }
        });
    reader.feed(body);
    if (ready[0] == null) {
      return Future.failedFuture(new IllegalStateException(service.isReadyPath() + " on " + address + ": "
          + (malformed[0] != null ? malformed[0] : "no ReadyResponse in the body")));
    }
    return Future.succeededFuture(ready[0]);
  }

  /**
   * {@code ready} of a {@code ReadyResponse{bool ready = 1}}, the same shape in every Numaflow
   * service; unknown fields are skipped, as protobuf wants.
   */
  static boolean readyField(Buffer message) throws IOException {
    CodedInputStream in = ProtoInput.of(message);
    boolean ready = false;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == READY_TAG) {
        ready = in.readBool();
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    return ready;
  }

  public Future<Void> close() {
    return client.shutdown(1, TimeUnit.SECONDS);
  }

  private RequestOptions request(String path) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("content-type", "application/grpc")
        .add("te", "trailers");
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setServer(address.socketAddress())
        .setURI(path)
        .setHeaders(headers);
    if (address.isUnix()) {
      options.setHost("localhost").setPort(80);
    } else {
      options.setHost(address.socketAddress().host()).setPort(address.socketAddress().port());
    }
    return options;
  }
}
