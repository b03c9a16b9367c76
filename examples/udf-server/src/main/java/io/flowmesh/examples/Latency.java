package io.flowmesh.examples;

import io.flowmesh.udf.Datum;
import io.flowmesh.udf.MapHandler;
import io.flowmesh.udf.MapResult;
import io.flowmesh.udf.UdfArgs;
import io.flowmesh.udf.UdfMain;
import io.flowmesh.udf.UdfServer;
import io.flowmesh.udf.UsageException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Passes each element through unchanged after a latency drawn from a distribution, answering
 * from a timer: a stand-in for a UDF that calls a slow service. Options: {@code --latency}
 * (default {@code 100%:1ms}), see {@link LatencyDistribution}; {@code --seed} for repeatable draws;
 * {@code --saturate-at K}: at most K elements served at once, the rest wait in line (a
 * {@link Saturation}), the drawn latency counting from when service starts; {@code --change-at
 * 30s:32,1m:8}: K becomes 32 thirty seconds after the start, 8 a minute after.
 */
public final class Latency implements MapHandler {

  private final Vertx vertx;
  private final LatencyDistribution distribution;
  private final RandomGenerator random;
  /** At most K at once, or null: every element served at once. */
  private final Saturation saturation;

  public Latency(Vertx vertx, LatencyDistribution distribution, RandomGenerator random) {
    this(vertx, distribution, random, 0);
  }

  /** @param saturateAt at most this many elements served at once, the rest wait in line; 0: no limit */
  public Latency(Vertx vertx, LatencyDistribution distribution, RandomGenerator random, int saturateAt) {
    this.vertx = vertx;
    this.distribution = distribution;
    this.random = random;
    this.saturation = saturateAt > 0 ? new Saturation(saturateAt) : null;
  }

  /** Changes K of {@code --saturate-at} while it runs (from any thread). */
  public void saturateAt(int k) {
    if (saturation == null) {
      throw new IllegalStateException("this latency UDF does not saturate (start it with saturateAt > 0)");
    }
    saturation.servers(k);
  }

  @Override
  public Future<List<MapResult>> apply(Datum datum) {
    long nanos = distribution.draw(random);
    List<MapResult> results = List.of(MapResult.passThrough(datum));
    if (saturation != null) {
      return saturation.acquire().compose(v -> serve(nanos, results).onComplete(x -> saturation.release()));
    }
    return serve(nanos, results);
  }

  private Future<List<MapResult>> serve(long nanos, List<MapResult> results) {
    if (nanos <= 0) {
      return Future.succeededFuture(results);
    }
    return vertx.timer(nanos, TimeUnit.NANOSECONDS).map(results);
  }

  static void configure(UdfArgs args, UdfServer server) {
    LatencyDistribution distribution = LatencyDistribution.parse(args.option("latency", "100%:1ms"));
    RandomGenerator random = args.has("seed") ? new SplittableRandom(args.count("seed", 0)) : new SplittableRandom();
    long k = args.count("saturate-at", 0);
    String changes = args.option("change-at", null);
    if (k > Integer.MAX_VALUE) {
      args.error("--saturate-at " + k + ": too many servers");
      k = 0;
    }
    List<Saturation.Change> schedule = List.of();
    if (changes != null) {
      try {
        schedule = Saturation.Change.parse(changes);
      } catch (UsageException e) {
        args.error(e.getMessage());
      }
      if (k == 0) {
        args.error("--change-at needs --saturate-at K (it changes K)");
      }
    }
    Latency latency = new Latency(server.vertx(), distribution, random, (int) k);
    for (Saturation.Change c : schedule) {
      server.vertx().setTimer(Math.max(1, c.afterMillis()), id -> latency.saturateAt(c.servers()));
    }
    server.handler(latency);
  }

  public static void main(String[] args) {
    UdfMain.run("latency", args, Latency::configure);
  }
}
