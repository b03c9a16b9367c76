package io.flowmesh.runtime.edge;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy whose connections can go silent: {@link #stall()} stops forwarding bytes on
 * every connection open through it, both ways, while keeping them open — a peer stopped or hung, or
 * a path that drops packets without a reset. Connections made later are forwarded as usual.
 */
final class StallProxy implements AutoCloseable {

  private final ServerSocket server;
  private final int targetPort;
  private final List<Pipe> pipes = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();

  private StallProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "stall-proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  static StallProxy start(int targetPort) throws IOException {
    return new StallProxy(targetPort);
  }

  int port() {
    return server.getLocalPort();
  }

  /** Connections accepted so far. */
  int accepted() {
    return accepted.get();
  }

  /** From now on, no byte moves on the connections open now. */
  void stall() {
    pipes.forEach(p -> p.stalled = true);
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Pipe p : pipes) {
      p.close();
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        accepted.incrementAndGet();
        Pipe p = new Pipe(client, target);
        pipes.add(p);
        p.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private static final class Pipe {
    final Socket a;
    final Socket b;
    volatile boolean stalled;

    Pipe(Socket a, Socket b) {
      this.a = a;
      this.b = b;
    }

    void start() {
      pump(a, b);
      pump(b, a);
    }

    private void pump(Socket from, Socket to) {
      Thread t = new Thread(() -> {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
          int n;
          while ((n = in.read(buf)) >= 0) {
            while (stalled) {
              Thread.sleep(50); // holds what it read: nothing more moves
            }
            out.write(buf, 0, n);
          }
        } catch (IOException | InterruptedException e) {
          // the connection ended
        } finally {
          if (!stalled) {
            close();
          } // a silent path passes no end on either: each side must notice by itself
        }
      }, "stall-proxy-pump");
      t.setDaemon(true);
      t.start();
    }

    void close() {
      try {
        a.close();
      } catch (IOException ignored) {
        // already closed
      }
      try {
        b.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
  }
}
