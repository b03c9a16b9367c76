package io.flowmesh.udf;

import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts servers (on 127.0.0.1 and an ephemeral port unless told otherwise) and clients for one
 * test, and stops them all at the end of it.
 *
 * <p>Stopping them before Vert.x closes matters: with a {@code MapFn} call still open, the
 * future of {@code vertx.close()} was seen never to call its listeners (it does complete for
 * {@code await()}), which vertx-junit5 reports as a 30 s close timeout.
 */
public final class TestBed implements AutoCloseable {

  private final Vertx vertx;
  private final List<UdfServer> servers = new ArrayList<>();
  private final List<GrpcClient> clients = new ArrayList<>();

  public TestBed(Vertx vertx) {
    this.vertx = vertx;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** A started server in {@code mode} serving {@code handler} on 127.0.0.1 and an ephemeral port. */
  public UdfServer start(MapMode mode, MapHandler handler) throws Exception {
    return started(UdfServer.create(vertx, UdfServerOptions.of("tcp://127.0.0.1:0").withMode(mode)).handler(handler));
  }

  /** Starts a configured server, waiting at most {@link MapFnCall#TIMEOUT}; stopped by {@link #close()}. */
  public UdfServer started(UdfServer server) throws Exception {
    servers.add(server);
    server.start().await(MapFnCall.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    return server;
  }

  /** A gRPC client with the same 64 MiB message limit as the server; closed by {@link #close()}. */
  public GrpcClient client() {
    GrpcClient client = GrpcClient.client(vertx,
        new GrpcClientOptions().setMaxMessageSize(UdfServerOptions.DEFAULT_MAX_MESSAGE_SIZE));
    clients.add(client);
    return client;
  }

  /** Where a client reaches a started server. */
  public static SocketAddress address(UdfServer server) {
    return server.actualAddress().toSocketAddress();
  }

  /** Opens a call to {@code server} on a new client and completes the handshake. */
  public MapFnCall handshaken(UdfServer server) throws Exception {
    return MapFnCall.handshaken(client(), address(server));
  }

  @Override
  public void close() throws TimeoutException {
    for (GrpcClient client : clients) {
      client.close().await(10, TimeUnit.SECONDS);
    }
    for (UdfServer server : servers) {
      server.stop().await(10, TimeUnit.SECONDS);
    }
  }
}
