package io.flowmesh.examples;

import io.flowmesh.udf.UdfArgs;
import io.flowmesh.udf.UsageException;
import java.time.Duration;

/**
 * How the {@link Faulty} UDF misbehaves. Counts start at the first element the process
 * receives, across all its streams; -1 (or 0 for {@code garbageEvery}) turns a fault off.
 *
 * @param crashAfter answer this many elements, then exit the process (status 1, no clean-up)
 *     when the next arrives; {@code --crash-after}
 * @param hangAfter answer this many elements, then never answer again; {@code --hang-after}
 * @param garbageEvery answer every N-th element wrongly, as {@code garbage} says;
 *     {@code --garbage-every}
 * @param garbage the wrong answer: {@code unknown-id} or {@code duplicate}; {@code --garbage}
 * @param failFraction the fraction of elements whose handler fails, failing the stream with
 *     INTERNAL {@code UDF_EXECUTION_ERROR}; {@code --fail-fraction}
 * @param seed seeds the draws for {@code failFraction}; {@code --seed}, random when absent
 * @param startDelay how long to wait before listening; {@code --start-delay}
 * @param unreadyFor how long {@code IsReady} answers false once started; {@code --unready-for}
 */
public record FaultyOptions(long crashAfter, long hangAfter, long garbageEvery, Garbage garbage,
    double failFraction, Long seed, Duration startDelay, Duration unreadyFor) {

  /** The kinds of wrong answer. */
  public enum Garbage {
    /** The answer carries an id the client never sent; the real id is never answered. */
    UNKNOWN_ID("unknown-id"),
    /** The answer is written twice. */
    DUPLICATE("duplicate");

    private final String optionName;

    Garbage(String optionName) {
      this.optionName = optionName;
    }

    static Garbage parse(String name) {
      for (Garbage g : values()) {
        if (g.optionName.equals(name)) {
          return g;
        }
      }
      throw new UsageException("--garbage '" + name + "': expected unknown-id or duplicate");
    }
  }

  /** No faults at all: behaves like {@code cat}. */
  public static final FaultyOptions NONE =
      new FaultyOptions(-1, -1, 0, Garbage.UNKNOWN_ID, 0, null, Duration.ZERO, Duration.ZERO);

  /** Reads the options from the command line. */
  public static FaultyOptions from(UdfArgs args) {
    Garbage garbage = Garbage.UNKNOWN_ID;
    try {
      garbage = Garbage.parse(args.option("garbage", "unknown-id"));
    } catch (UsageException e) {
      args.error(e.getMessage());
    }
    return new FaultyOptions(
        args.count("crash-after", -1),
        args.count("hang-after", -1),
        args.count("garbage-every", 0),
        garbage,
        args.fraction("fail-fraction", 0),
        args.has("seed") ? args.count("seed", 0) : null,
        args.duration("start-delay", Duration.ZERO),
        args.duration("unready-for", Duration.ZERO));
  }

  public FaultyOptions withCrashAfter(long n) {
    return new FaultyOptions(n, hangAfter, garbageEvery, garbage, failFraction, seed, startDelay, unreadyFor);
  }

  public FaultyOptions withHangAfter(long n) {
    return new FaultyOptions(crashAfter, n, garbageEvery, garbage, failFraction, seed, startDelay, unreadyFor);
  }

  public FaultyOptions withGarbage(long every, Garbage kind) {
    return new FaultyOptions(crashAfter, hangAfter, every, kind, failFraction, seed, startDelay, unreadyFor);
  }

  public FaultyOptions withFailFraction(double fraction, long seed) {
    return new FaultyOptions(crashAfter, hangAfter, garbageEvery, garbage, fraction, seed, startDelay, unreadyFor);
  }
}
