package io.flowmesh.systemtests;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Vert.x HTTP/1.1 client for the serving endpoints, with a bounded connection pool: however
 * many requests a test submits at once, at most {@code connections} are on the wire, the rest wait
 * in the client's queue (so a test can submit thousands on a loaded 2-core machine).
 */
final class ServingClient implements AutoCloseable {

  /** One answer: status, headers, body. */
  record Response(int status, MultiMap headers, Buffer body) {
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client;
  private final int port;

  ServingClient(int port, int connections) {
    this.port = port;
    this.client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_1_1).setKeepAlive(true)
        .setDefaultHost("127.0.0.1").setDefaultPort(port),
        new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
  }

  /** Sends {@code method path} with {@code body} (null: none) and {@code headers}. */
  CompletableFuture<Response> send(HttpMethod method, String path, String body, Map<String, String> headers) {
    CompletableFuture<Response> result = new CompletableFuture<>();
    RequestOptions o = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path)
        .setIdleTimeout(120_000);
    headers.forEach(o::addHeader);
    client.request(o)
        .compose(req -> (body == null ? req.send() : req.send(body))
            .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), resp.headers(), b))))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            result.complete(ar.result());
          } else {
            result.completeExceptionally(ar.cause());
          }
        });
    return result;
  }

  CompletableFuture<Response> post(String path, String body, Map<String, String> headers) {
    return send(HttpMethod.POST, path, body, headers);
  }

  CompletableFuture<Response> get(String path) {
    return send(HttpMethod.GET, path, null, Map.of());
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
