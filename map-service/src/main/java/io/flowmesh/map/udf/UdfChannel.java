package io.flowmesh.map.udf;

import io.flowmesh.proto.udf.map.v1.ReadyResponse;
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

import java.util.concurrent.TimeUnit;

/**
 * The HTTP/2 connection to the UDF (cleartext with prior knowledge, or TLS with ALPN when
 * {@code udf.tls.enabled}) on which the client speaks
 * gRPC itself: it opens {@code /map.v1.Map/MapFn} streams and calls {@code IsReady}. One
 * pooled connection; when it breaks, the next stream opens a new one.
 *
 * <h2>Concurrency</h2>
 * Create and use on the client's event loop: the connection and its streams then deliver
 * their events there.
 */
final class UdfChannel {

  private static final Logger LOG = LoggerFactory.getLogger(UdfChannel.class);

  /** Stream-level HTTP/2 window: room for many in-flight requests and responses. */
  static final int STREAM_WINDOW = 4 * 1024 * 1024;
  /** Connection-level HTTP/2 window, shared by the batch streams. */
  static final int CONNECTION_WINDOW = 16 * 1024 * 1024;
  /** Largest DATA frame we accept; fewer frames for big responses. */
  static final int MAX_FRAME_SIZE = 1024 * 1024;

  private static final String MAP_FN = "/map.v1.Map/MapFn";
  private static final String IS_READY = "/map.v1.Map/IsReady";
  private static final byte[] EMPTY_MESSAGE = new byte[GrpcFrames.PREFIX];

  private final UdfAddress address;
  private final TlsOptions tls;
  private final HttpClientAgent client;
  private final RequestOptions mapFn;
  private final int maxMessageSize;
  private final long isReadyTimeoutMillis;

  UdfChannel(Vertx vertx, UdfAddress address, UdfConfig config) {
    this.address = address;
    this.tls = config.tls();
    this.maxMessageSize = config.maxMessageSize();
    this.isReadyTimeoutMillis = Math.max(1, config.timeout().toMillis());
    HttpClientOptions options = new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false)
        .setHttp2ConnectionWindowSize(CONNECTION_WINDOW)
        .setInitialSettings(new Http2Settings()
            .setInitialWindowSize(STREAM_WINDOW)
            .setMaxFrameSize(MAX_FRAME_SIZE))
        .setTcpNoDelay(true)
        .setTcpKeepAlive(true)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, config.timeout().toMillis())))
        .setName("udf-" + address.text());
    config.tls().applyTo(options);
    this.client = vertx.httpClientBuilder()
        .with(options)
        .with(new PoolOptions().setHttp2MaxSize(1))
        .withConnectHandler(conn -> conn.exceptionHandler(t ->
            LOG.debug("UDF connection error (its streams report it): address={} error={}", address, t.toString())))
        .build();
    this.mapFn = request(MAP_FN);
  }

  UdfAddress address() {
    return address;
  }

  /** Opens a {@code MapFn} stream; nothing is sent until the first write. */
  Future<HttpClientRequest> openMapFn() {
    return client.request(mapFn).recover(e -> Future.failedFuture(explain(e)));
  }

  /**
   * A failure to reach the UDF, said in words when it is a TLS problem or a TLS mismatch (see
   * {@link TlsMismatch}); only for failures before the UDF answered anything on the stream.
   */
  Throwable explain(Throwable failure) {
    return TlsMismatch.explain(address, tls, failure);
  }

  /** Calls {@code IsReady}: true if the UDF says it is ready; failed on any error. */
  Future<Boolean> isReady() {
    RequestOptions options = request(IS_READY).setTimeout(isReadyTimeoutMillis);
    return client.request(options)
        .compose(req -> req.send(Buffer.buffer(EMPTY_MESSAGE)))
        .compose(resp -> resp.body().compose(body -> readReady(resp, body)))
        .recover(e -> Future.failedFuture(explain(e)));
  }

  private Future<Boolean> readReady(HttpClientResponse resp, Buffer body) {
    String status = GrpcStatusHeaders.status(resp.headers(), resp.trailers());
    if (status == null) {
      return Future.failedFuture(new IllegalStateException("IsReady on " + address
          + ": no grpc-status (HTTP status " + resp.statusCode() + "); is this a gRPC server?"));
    }
    if (!"0".equals(status)) {
      return Future.failedFuture(new IllegalStateException("IsReady on " + address + ": grpc-status "
          + status + " " + GrpcStatusHeaders.message(resp.headers(), resp.trailers())));
    }
    ReadyResponse[] ready = new ReadyResponse[1];
    String[] malformed = new String[1];
    GrpcFrameReader reader = new GrpcFrameReader(maxMessageSize, new GrpcFrameReader.Sink() {
      @Override
      public boolean onMessage(Buffer message) {
        try {
          ready[0] = ReadyResponse.parseFrom(message.getBytes());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
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
      return Future.failedFuture(new IllegalStateException("IsReady on " + address + ": "
          + (malformed[0] != null ? malformed[0] : "no ReadyResponse in the body")));
    }
    return Future.succeededFuture(ready[0].getReady());
  }

  Future<Void> close() {
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
