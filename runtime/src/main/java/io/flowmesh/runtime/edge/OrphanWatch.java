package io.flowmesh.runtime.edge;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Arrays;

/**
 * Watches whether anybody reads an {@link EdgeServer}'s edge. A vertex whose edge has had no
 * subscriber for {@code grace} while messages wait in its queue is not ready, and says so (a
 * second map replica that no sink reads holds its messages silently otherwise). With a
 * {@link Listener}, once the edge has had no subscriber for {@code orphanTimeout} the watch calls
 * it with {@code true} — the vertex gives its unsent inputs back upstream and stops taking input —
 * and with {@code false} when a subscriber appears again. While orphaned, it hands the listener
 * whatever reaches the queue on each check ({@link Listener#sweep}).
 *
 * <p>With named edges ({@code X.edge.to}) each edge is watched too: one that has had no subscriber
 * for {@code grace} while messages wait on it makes the vertex not ready, the reason naming the edge
 * ({@code edge in -> odd-sink: no subscriber yet, 500 messages wait for one ...}). The other edges go on until the shared
 * bound is held, then the vertex stops taking input; nothing is given back for one such edge (its
 * messages are owed to it, and whatever came back upstream would be routed to it again).
 *
 * <h2>Concurrency</h2>
 * Create, start and use on the edge server's event loop; the listener is called there.
 */
public final class OrphanWatch {

  /** How often the subscribers are checked. */
  static final long CHECK_MILLIS = 200;

  /** What the vertex does when its edge is orphaned and when it is read again. */
  public interface Listener {

    /** {@code true}: no subscriber for the orphan timeout; {@code false}: a subscriber appeared again. */
    void orphaned(boolean orphaned);

    /** While orphaned, on each check: give back what is in the edge's queue. */
    void sweep();
  }

  private final Vertx vertx;
  private final EdgeServer server;
  private final long graceNanos;
  private final Duration orphanTimeout;
  private final Listener listener;
  private final String timeoutKey;
  private long since = System.nanoTime();
  private boolean subscribed;
  private boolean orphaned;
  private long orphanings;
  private long timer = -1;
  /** Per named edge: whether it has a subscriber, whether it ever had one, since when it is in that state. */
  private final boolean[] edgeSubscribed;
  private final boolean[] edgeEverSubscribed;
  private final long[] edgeSince;

  /**
   * @param grace how long without a subscriber (and with messages queued) before the vertex is not ready
   * @param orphanTimeout how long without a subscriber before {@code listener} is told; ignored without a listener
   * @param timeoutKey the config key of {@code orphanTimeout}, named in the readiness reason
   * @param listener the vertex's reaction, or null (a source: it keeps what it has)
   */
  public OrphanWatch(Vertx vertx, EdgeServer server, Duration grace, Duration orphanTimeout, String timeoutKey,
      Listener listener) {
    this.vertx = vertx;
    this.server = server;
    this.graceNanos = Math.min(grace.toNanos(), orphanTimeout.toNanos());
    this.orphanTimeout = orphanTimeout;
    this.timeoutKey = timeoutKey;
    this.listener = listener;
    int named = server.outbound().routes.single() ? 0 : server.outbound().edges.length;
    this.edgeSubscribed = new boolean[named];
    this.edgeEverSubscribed = new boolean[named];
    this.edgeSince = new long[named];
  }

  /** Starts checking (call it once the edge listens: nobody can subscribe before); the clock starts now. */
  public OrphanWatch start() {
    since = System.nanoTime();
    Arrays.fill(edgeSince, since);
    timer = vertx.setPeriodic(CHECK_MILLIS, id -> check());
    return this;
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** Whether the vertex gave its inputs back and takes none until a subscriber appears. */
  public boolean orphaned() {
    return orphaned;
  }

  /** How long the edge has had no subscriber, 0 while it has one. */
  public Duration unsubscribedFor() {
    return subscribed ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - since);
  }

  void check() {
    boolean now = server.subscriberCount() > 0;
    if (now != subscribed) {
      subscribed = now;
      since = System.nanoTime();
    }
    OutboundEdge[] edges = server.outbound().edges;
    for (int i = 0; i < edgeSubscribed.length; i++) {
      boolean has = edges[i].subscriberCount() > 0;
      if (has != edgeSubscribed[i]) {
        edgeSubscribed[i] = has;
        edgeEverSubscribed[i] |= has;
        edgeSince[i] = System.nanoTime();
      }
    }
    if (listener == null) {
      return;
    }
    if (subscribed && orphaned) {
      orphaned = false;
      listener.orphaned(false);
    } else if (!subscribed && !orphaned && System.nanoTime() - since >= orphanTimeout.toNanos()) {
      orphaned = true;
      orphanings++;
      listener.orphaned(true);
    }
    if (orphaned) {
      listener.sweep();
    }
  }

  /**
   * Why the vertex is not ready — while orphaned, after {@code grace} without a subscriber while
   * messages are queued, or, with named edges, after {@code grace} without a subscriber on an edge
   * while messages wait on it (each such edge named) — or null.
   */
  public String notReadyReason() {
    if (orphaned) {
      return "no subscriber on the output edge for " + unsubscribedFor().toSeconds() + "s: gave its inputs back upstream after "
          + timeoutKey + "=" + orphanTimeout.toSeconds() + "s and takes no input until a subscriber appears";
    }
    if (edgeSubscribed.length > 0) {
      return unreadEdges();
    }
    if (subscribed) {
      return null;
    }
    int queued = server.queued();
    if (queued > 0 && System.nanoTime() - since >= graceNanos) {
      return "no subscriber on the " + (listener == null ? "" : "output ") + "edge for " + unsubscribedFor().toSeconds() + "s; "
          + queued + " messages wait for one" + givenBackNote();
    }
    return null;
  }

  private String givenBackNote() {
    return listener == null ? "" : " (given back upstream after " + timeoutKey + "=" + orphanTimeout.toSeconds() + "s)";
  }

  /** The named edges without a subscriber for {@code grace} on which messages wait, or null. */
  private String unreadEdges() {
    StringBuilder out = null;
    OutboundEdges all = server.outbound();
    long now = System.nanoTime();
    for (int i = 0; i < edgeSubscribed.length; i++) {
      int queued = all.edges[i].queue.size();
      // the live count, not the last check's: a subscriber that came since is not reported missing
      if (all.edges[i].subscriberCount() > 0 || queued == 0 || now - edgeSince[i] < graceNanos) {
        continue;
      }
      out = out == null ? new StringBuilder() : out.append("; ");
      out.append("edge ").append(server.vertex()).append(" -> ").append(all.edges[i].to).append(": no subscriber ")
          .append(edgeEverSubscribed[i] ? "for " + (now - edgeSince[i]) / 1_000_000_000L + "s" : "yet").append(", ")
          .append(queued).append(" messages wait for one");
    }
    if (out == null) {
      return null;
    }
    if (subscribed) {
      out.append(" (the other edges go on until the vertex's outbound bound is full, then it takes no input)");
    } else {
      out.append(givenBackNote());
    }
    return out.toString();
  }

  /** For {@code /status}; with named edges also {@code edgesWithoutSubscriber}, the downstream vertices of those. */
  public JsonObject status() {
    JsonObject j = new JsonObject().put("subscribed", subscribed).put("unsubscribedForMs", unsubscribedFor().toMillis())
        .put("orphaned", orphaned).put("orphanings", orphanings);
    if (edgeSubscribed.length > 0) {
      JsonArray without = new JsonArray();
      for (int i = 0; i < edgeSubscribed.length; i++) {
        if (server.outbound().edges[i].subscriberCount() == 0) {
          without.add(server.outbound().edges[i].to);
        }
      }
      j.put("edgesWithoutSubscriber", without);
    }
    return j;
  }
}
