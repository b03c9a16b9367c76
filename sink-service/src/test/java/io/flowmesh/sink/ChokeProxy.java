package io.flowmesh.sink;

import io.flowmesh.runtime.testing.OnLoop;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP proxy between a subscriber and its upstream that a test can choke: {@link #muteClients()}
 * makes the connections open now silently drop what the subscriber sends (its acks and credit
 * never arrive), and {@link #cutAll()} closes them. New connections are piped normally.
 *
 * <p>Concurrency: its state lives on its own context; the test calls in through {@link OnLoop}.
 */
final class ChokeProxy {

  private final Vertx vertx;
  private final Context ctx;
  private final int target;
  private final List<Pipe> pipes = new ArrayList<>();
  private NetServer server;
  private NetClient client;

  private static final class Pipe {
    final NetSocket in;
    NetSocket out;
    boolean muted;

    Pipe(NetSocket in) {
      this.in = in;
    }
  }

  ChokeProxy(Vertx vertx, int target) {
    this.vertx = vertx;
    this.ctx = vertx.getOrCreateContext();
    this.target = target;
  }

  int listen() {
    return OnLoop.awaitOn(ctx, () -> {
      client = vertx.createNetClient();
      server = vertx.createNetServer().connectHandler(this::accept);
      return server.listen(0, "127.0.0.1").map(NetServer::actualPort);
    });
  }

  private void accept(NetSocket in) {
    in.pause();
    Pipe p = new Pipe(in);
    pipes.add(p);
    client.connect(target, "127.0.0.1").onComplete(ar -> {
      if (ar.failed()) {
        in.close();
        return;
      }
      NetSocket out = ar.result();
      p.out = out;
      in.handler(buf -> {
        if (!p.muted) {
          out.write(buf);
        }
      });
      out.handler(in::write);
      in.closeHandler(v -> out.close());
      out.closeHandler(v -> in.close());
      in.resume();
    });
  }

  /** From now on, bytes from the subscribers on the open connections are dropped. */
  void muteClients() {
    OnLoop.run(ctx, () -> pipes.forEach(p -> p.muted = true));
  }

  /** Closes every open connection, both ways. */
  void cutAll() {
    OnLoop.run(ctx, () -> {
      for (Pipe p : pipes) {
        p.in.close();
        if (p.out != null) {
          p.out.close();
        }
      }
      pipes.clear();
    });
  }
}
