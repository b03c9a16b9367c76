package io.flowmesh.examples;

import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.flowmesh.udf.Datum;
import io.flowmesh.udf.MapHandler;
import io.flowmesh.udf.MapResult;
import io.flowmesh.udf.ResponseRewriter;
import io.flowmesh.udf.UdfArgs;
import io.flowmesh.udf.UdfMain;
import io.flowmesh.udf.UdfServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A UDF that misbehaves on purpose, to test how the map vertex copes: it crashes, hangs,
 * answers garbage, fails the stream, or is slow to start, as {@link FaultyOptions} say.
 * Elements it answers correctly pass through unchanged.
 *
 * <h2>Concurrency</h2>
 * Called on the server's event loop only; its counters are plain fields.
 */
public final class Faulty implements MapHandler, ResponseRewriter {

  private static final Logger LOG = LoggerFactory.getLogger(Faulty.class);

  private final FaultyOptions options;
  private final Runnable crash;
  private final RandomGenerator random;
  /** Elements received so far. */
  private long received;
  /** Answers about to be written so far. */
  private long answers;

  /**
   * @param options the faults
   * @param crash what crashing does; {@link #halt()} in a real process
   */
  public Faulty(FaultyOptions options, Runnable crash) {
    this.options = options;
    this.crash = crash;
    this.random = options.seed() == null ? new SplittableRandom() : new SplittableRandom(options.seed());
  }

  /** Stops the process at once, with status 1 and no shutdown hooks: a crash. */
  public static Runnable halt() {
    return () -> {
      System.err.println("udf faulty: crashing on purpose");
      System.err.flush();
      Runtime.getRuntime().halt(1);
    };
  }

  @Override
  public Future<List<MapResult>> apply(Datum datum) {
    received++;
    if (options.crashAfter() >= 0 && received > options.crashAfter()) {
      crash.run();
      return Promise.<List<MapResult>>promise().future();
    }
    if (options.hangAfter() >= 0 && received > options.hangAfter()) {
      return Promise.<List<MapResult>>promise().future();
    }
    if (options.failFraction() > 0 && random.nextDouble() < options.failFraction()) {
      return Future.failedFuture(new DeliberateFailure("faulty: failing on purpose at element " + received));
    }
    return Future.succeededFuture(List.of(MapResult.passThrough(datum)));
  }

  @Override
  public List<MapResponse> rewrite(MapResponse answer) {
    answers++;
    if (options.garbageEvery() <= 0 || answers % options.garbageEvery() != 0) {
      return List.of(answer);
    }
    return switch (options.garbage()) {
      case UNKNOWN_ID -> List.of(answer.toBuilder().setId("faulty-unknown-" + answer.getId()).build());
      case DUPLICATE -> List.of(answer, answer);
    };
  }

  /** Configures {@code server} with a faulty handler; sleeps through the start delay first. */
  static void configure(UdfArgs args, UdfServer server) {
    FaultyOptions options = FaultyOptions.from(args);
    Faulty faulty = new Faulty(options, halt());
    server.handler(faulty);
    if (options.garbageEvery() > 0) {
      server.responseRewriter(faulty);
    }
    if (!options.unreadyFor().isZero()) {
      server.ready(false);
      server.vertx().setTimer(Math.max(1, options.unreadyFor().toMillis()), t -> server.ready(true));
    }
    if (!options.startDelay().isZero()) {
      LOG.info("faulty UDF: waiting before listening: startDelay={}", options.startDelay());
      try {
        Thread.sleep(options.startDelay().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public static void main(String[] args) {
    UdfMain.run("faulty", args, Faulty::configure);
  }

  /** The failure {@code --fail-fraction} asks for: expected, so without a stack trace (one line in the log). */
  static final class DeliberateFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DeliberateFailure(String message) {
      super(message, null, false, false);
    }
  }
}
