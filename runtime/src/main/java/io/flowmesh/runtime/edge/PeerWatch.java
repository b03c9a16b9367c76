package io.flowmesh.runtime.edge;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices an edge peer that keeps its connection open but no longer answers: a process stopped or
 * hung, or a network path that drops packets without a reset. Neither side of an edge need send
 * anything while it is idle (a subscriber that granted its credit sends nothing more until it acks),
 * so silence alone says nothing; an HTTP/2 PING does, since the peer's HTTP/2 stack answers it at
 * once from its event loop. Every quarter of {@code edge.peer-timeout} the watch pings when no ping
 * is outstanding; one unanswered for the whole timeout closes the connection, whose streams then
 * end as on any lost connection: what was unacked on them is sent again (to another subscriber, or
 * to this one when it redials), and a subscriber redials.
 *
 * <p>Concurrency: confined to the connection's event loop (the timer is set from it).
 */
final class PeerWatch {

  private static final Logger LOG = LoggerFactory.getLogger(PeerWatch.class);
  private static final Buffer PING = Buffer.buffer(new byte[8]);
  /** The connections watched now (any event loop's; weak, so a connection lost without a close is not kept). */
  private static final Set<HttpConnection> WATCHED = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  private final Vertx vertx;
  private final HttpConnection connection;
  private final long timeoutNanos;
  private final String what;
  private long timer;
  private long pingSentNanos = -1;

  private PeerWatch(Vertx vertx, HttpConnection connection, Duration timeout, String what) {
    this.vertx = vertx;
    this.connection = connection;
    this.timeoutNanos = timeout.toNanos();
    this.what = what;
  }

  /**
   * Watches {@code connection} from now until it closes; nothing when {@code timeout} is zero.
   *
   * @param what who is on the other side, for the log line (e.g. "subscriber vertex=map of vertex=in")
   */
  static void watch(Vertx vertx, HttpConnection connection, Duration timeout, String what) {
    if (timeout.isZero() || !WATCHED.add(connection)) { // a stream opened on a connection already watched
      return;
    }
    PeerWatch w = new PeerWatch(vertx, connection, timeout, what);
    w.timer = vertx.setPeriodic(Math.max(1, timeout.toMillis() / 4), id -> w.tick());
    connection.closeHandler(v -> {
      vertx.cancelTimer(w.timer);
      WATCHED.remove(connection);
    });
  }

  private void tick() {
    long now = System.nanoTime();
    if (pingSentNanos >= 0) {
      if (now - pingSentNanos >= timeoutNanos) {
        vertx.cancelTimer(timer);
        LOG.warn("edge peer not answering: {} at {} answered no HTTP/2 PING for {} ms (edge.peer-timeout); closing the connection"
            + " as a lost one (what was unacked on it is delivered again)", what, connection.remoteAddress(), timeoutNanos / 1_000_000);
        connection.close();
      }
      return;
    }
    pingSentNanos = now;
    connection.ping(PING).onSuccess(b -> pingSentNanos = -1);
  }
}
