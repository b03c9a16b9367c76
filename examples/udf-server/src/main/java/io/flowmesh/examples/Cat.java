package io.flowmesh.examples;

import io.flowmesh.udf.Datum;
import io.flowmesh.udf.MapHandler;
import io.flowmesh.udf.MapResult;
import io.flowmesh.udf.UdfArgs;
import io.flowmesh.udf.UdfMain;
import io.flowmesh.udf.UdfServer;
import io.flowmesh.udf.UsageException;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The identity map: each element's keys and value, unchanged. Answers at once. Option
 * {@code --tags a,b} tags every result with these tags (shown by {@code withTags}); with
 * {@code --tag-every N} only one result in N is tagged (the 1st, the N+1st, ...): a rare branch
 * of a conditional edge.
 */
public final class Cat implements MapHandler {

  private final String[] tags;
  private final long every;
  private final AtomicLong seen = new AtomicLong();

  /** The identity map; every result gets {@code tags} (none when empty). */
  public Cat(String... tags) {
    this(1, tags);
  }

  /** The identity map; one result in {@code every} gets {@code tags}. */
  public Cat(long every, String... tags) {
    if (every < 1) {
      throw new IllegalArgumentException("every must be at least 1: " + every);
    }
    this.every = every;
    this.tags = tags.clone();
  }

  @Override
  public Future<List<MapResult>> apply(Datum datum) {
    MapResult r = MapResult.passThrough(datum);
    boolean tag = tags.length > 0 && (every == 1 || seen.getAndIncrement() % every == 0);
    return Future.succeededFuture(List.of(tag ? r.withTags(tags) : r));
  }

  static void configure(UdfArgs args, UdfServer server) {
    String tags = args.option("tags", "");
    String[] list = tags.isEmpty() ? new String[0] : tags.split(",", -1);
    for (String t : list) {
      if (t.isBlank()) {
        throw new UsageException("--tags '" + tags + "' has an empty tag; give comma-separated tags, e.g. --tags red,blue");
      }
    }
    long every = args.count("tag-every", 1);
    if (every < 1) {
      args.error("--tag-every " + every + ": give how many results make one tagged, 1 or more");
      every = 1;
    } else if (every > 1 && list.length == 0) {
      args.error("--tag-every needs --tags (it says how often they are given)");
    }
    server.handler(new Cat(every, list));
  }

  public static void main(String[] args) {
    UdfMain.run("cat", args, Cat::configure);
  }
}
