package io.flowmesh.examples;

import io.flowmesh.udf.Datum;
import io.flowmesh.udf.MapHandler;
import io.flowmesh.udf.MapResult;
import io.flowmesh.udf.UdfArgs;
import io.flowmesh.udf.UdfMain;
import io.flowmesh.udf.UdfServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Passes each element through unchanged after a latency drawn from a distribution, answering
 * from a timer: a stand-in for a UDF that calls a slow service. Options: {@code --latency}
 * (default {@code 100%:1ms}), see {@link LatencyDistribution}; {@code --seed} for repeatable draws.
 */
public final class Latency implements MapHandler {

  private final Vertx vertx;
  private final LatencyDistribution distribution;
  private final RandomGenerator random;

  public Latency(Vertx vertx, LatencyDistribution distribution, RandomGenerator random) {
    this.vertx = vertx;
    this.distribution = distribution;
    this.random = random;
  }

  @Override
  public Future<List<MapResult>> apply(Datum datum) {
    long nanos = distribution.draw(random);
    List<MapResult> results = List.of(MapResult.passThrough(datum));
    if (nanos <= 0) {
      return Future.succeededFuture(results);
    }
    return vertx.timer(nanos, TimeUnit.NANOSECONDS).map(results);
  }

  static void configure(UdfArgs args, UdfServer server) {
    LatencyDistribution distribution = LatencyDistribution.parse(args.option("latency", "100%:1ms"));
    RandomGenerator random = args.has("seed") ? new SplittableRandom(args.count("seed", 0)) : new SplittableRandom();
    server.handler(new Latency(server.vertx(), distribution, random));
  }

  public static void main(String[] args) {
    UdfMain.run("latency", args, Latency::configure);
  }
}
