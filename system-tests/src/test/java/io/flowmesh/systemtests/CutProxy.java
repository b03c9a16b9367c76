package io.flowmesh.systemtests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback between a subscriber and the edge it dials, which a test cuts:
 * {@link #cut()} resets every connection open through it, both ways, as a failed network path
 * would; while {@link #refuse refusing}, it resets new connections as soon as they arrive. Plain
 * blocking sockets, so it stands between processes without a Vert.x instance (sink-service's
 * {@code ChokeProxy} mutes and cuts in-JVM tests on an event loop; this one also refuses).
 *
 * <h2>Concurrency</h2>
 * Thread-safe. An acceptor thread and two pump threads per connection (all daemons) share with
 * the test thread only a concurrent set of sockets and volatile flags.
 */
final class CutProxy implements AutoCloseable {

  private final int target;
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger piped = new AtomicInteger();
  private volatile boolean refusing;
  private volatile boolean closed;

  private CutProxy(int target, ServerSocket server) {
    this.target = target;
    this.server = server;
  }

  /** Listens on a free loopback port and pipes each connection to {@code 127.0.0.1:targetPort}. */
  static CutProxy start(int targetPort) {
    try {
      CutProxy p = new CutProxy(targetPort, new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
      Thread t = new Thread(p::acceptLoop, "cut-proxy-" + targetPort);
      t.setDaemon(true);
      t.start();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return server.getLocalPort();
  }

  /** Connections piped to the target so far. */
  int piped() {
    return piped.get();
  }

  /** While true, new connections are reset at once instead of piped. */
  void refuse(boolean refuse) {
    refusing = refuse;
  }

  /** Resets every connection open through the proxy (client and target side); returns how many were open. */
  int cut() {
    List<Socket> all = new ArrayList<>(open);
    // linger 0 on every socket first, so whichever thread closes one, its peer gets a reset
    all.forEach(CutProxy::lingerZero);
    all.forEach(s -> {
      open.remove(s);
      quietClose(s);
    });
    return all.size() / 2;
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    cut();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (refusing) {
        reset(client);
        continue;
      }
      Socket upstream = new Socket();
      try {
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 2000);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
      } catch (IOException e) {
        reset(client);
        reset(upstream);
        continue;
      }
      open.add(client);
      open.add(upstream);
      piped.incrementAndGet();
      pump(client, upstream);
      pump(upstream, client);
    }
  }

  /** Copies {@code from} to {@code to} on its own thread; when either fails or ends, both are closed. */
  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) > 0) {
          out.write(buf, 0, n);
        }
      } catch (IOException e) {
        // cut, reset or closed by a peer: close both below
      } finally {
        open.remove(from);
        open.remove(to);
        quietClose(from);
        quietClose(to);
      }
    }, "cut-proxy-pump-" + from.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  /** Closes with SO_LINGER 0: the peer gets a reset, not an orderly end. */
  private static void reset(Socket s) {
    lingerZero(s);
    quietClose(s);
  }

  private static void lingerZero(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (IOException e) {
      // already closed
    }
  }

  private static void quietClose(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
