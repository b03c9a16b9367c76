package io.flowmesh.udf;

import io.flowmesh.udf.impl.MapVerticle;
import io.flowmesh.udf.impl.ServerInfoFile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one {@link MapHandler} (or {@link StreamMapHandler}) over the map UDF protocol ({@code /map.v1.Map/MapFn} and
 * {@code /map.v1.Map/IsReady}) on a TCP address or a Unix socket.
 *
 * <pre>{@code
 * UdfServer server = UdfServer.create(vertx, UdfServerOptions.of("tcp://127.0.0.1:50051"))
 *     .handler(datum -> Future.succeededFuture(List.of(MapResult.passThrough(datum))));
 * server.start().onSuccess(address -> System.out.println("listening on " + address));
 * }</pre>
 *
 * <h2>Concurrency</h2>
 * Configure and start from one thread; {@link #ready(boolean)} may be called from any thread.
 * Calls are served on one Vert.x event loop.
 */
public final class UdfServer {

  private static final Logger LOG = LoggerFactory.getLogger(UdfServer.class);

  private final Vertx vertx;
  private final UdfServerOptions options;
  private MapHandler handler;
  private StreamMapHandler streamHandler;
  private ResponseRewriter rewriter;
  /** What {@code IsReady} answers. */
  private volatile boolean ready = true;
  private String deploymentId;
  private UdfAddress actualAddress;

  private UdfServer(Vertx vertx, UdfServerOptions options) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** A server that will serve on {@code vertx} as {@code options} say, once given a handler and started. */
  public static UdfServer create(Vertx vertx, UdfServerOptions options) {
    return new UdfServer(vertx, options);
  }

  /**
   * Sets the function to serve, in any mode (in stream-map, each element's results go out in one
   * response, then its end); this or {@link #streamHandler} is required before {@link #start()}.
   */
  public UdfServer handler(MapHandler handler) {
    this.handler = Objects.requireNonNull(handler, "handler");
    this.streamHandler = null;
    return this;
  }

  /**
   * Sets a stream-map function to serve instead, which sends each result as soon as it has it;
   * the server's mode must be {@link MapMode#STREAM_MAP} ({@code --mode stream-map}).
   */
  public UdfServer streamHandler(StreamMapHandler handler) {
    this.streamHandler = Objects.requireNonNull(handler, "handler");
    this.handler = null;
    return this;
  }

  /** Sets a hook that rewrites answers on the wire; for test tools only. */
  public UdfServer responseRewriter(ResponseRewriter rewriter) {
    this.rewriter = rewriter;
    return this;
  }

  /** Sets what {@code IsReady} answers; {@code true} unless changed. */
  public UdfServer ready(boolean ready) {
    this.ready = ready;
    return this;
  }

  public boolean isReady() {
    return ready;
  }

  public Vertx vertx() {
    return vertx;
  }

  public UdfServerOptions options() {
    return options;
  }

  /** The address listened on, with the actual port; {@code null} before {@link #start()} succeeded. */
  public UdfAddress actualAddress() {
    return actualAddress;
  }

  /**
   * Removes a stale socket file (Unix sockets), listens, then writes the server-info file if
   * one is configured.
   *
   * @return the address listened on, with the actual port when port 0 was asked for
   */
  public Future<UdfAddress> start() {
    if (handler == null && streamHandler == null) {
      return Future.failedFuture(new IllegalStateException("no handler: call handler(...) or streamHandler(...) before start()"));
    }
    if (streamHandler != null && options.mode() != MapMode.STREAM_MAP) {
      return Future.failedFuture(new IllegalStateException("a stream-map function cannot serve mode " + options.mode()
          + ": use --mode stream-map (and map.mode=stream-map on map-service)"));
    }
    if (deploymentId != null) {
      return Future.failedFuture(new IllegalStateException("server already started"));
    }
    MapVerticle verticle = new MapVerticle(options, handler, streamHandler, rewriter, this::isReady);
    return vertx.executeBlocking(() -> {
      removeStaleSocket();
      return null;
    }).compose(v -> vertx.deployVerticle(verticle)).compose(id -> {
      deploymentId = id;
      actualAddress = options.address() instanceof UdfAddress.Tcp tcp
          ? new UdfAddress.Tcp(tcp.host(), verticle.actualPort())
          : options.address();
      LOG.info("UDF server listening: address={} mode={}", actualAddress, options.mode());
      if (options.serverInfoFile() == null) {
        return Future.succeededFuture(actualAddress);
      }
      return ServerInfoFile.write(vertx, options.serverInfoFile(), actualAddress, options.mode())
          .map(actualAddress);
    });
  }

  /** Stops listening, closes the calls in progress and removes the socket file (Unix sockets). */
  public Future<Void> stop() {
    if (deploymentId == null) {
      return Future.succeededFuture();
    }
    String id = deploymentId;
    deploymentId = null;
    return vertx.undeploy(id).compose(v -> vertx.executeBlocking(() -> {
      removeStaleSocket();
      return null;
    })).mapEmpty();
  }

  /**
   * Deletes a socket file at the Unix address. Anything else there is refused rather than
   * replaced: the native transport would otherwise unlink it to bind.
   */
  private void removeStaleSocket() {
    if (!(options.address() instanceof UdfAddress.Unix unix)) {
      return;
    }
    Path path = unix.path();
    try {
      if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      if (!Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
        throw new IllegalStateException("cannot listen on " + unix + ": a file that is not a socket is in the way");
      }
      Files.delete(path);
      LOG.info("removed socket file: path={}", path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove socket file " + path, e);
    }
  }
}
