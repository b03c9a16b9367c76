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

/**
 * The identity map: each element's keys and value, unchanged. Answers at once. Option
 * {@code --tags a,b} tags every result with these tags (shown by {@code withTags}).
 */
public final class Cat implements MapHandler {

  private final String[] tags;

  /** The identity map; every result gets {@code tags} (none when empty). */
  public Cat(String... tags) {
    this.tags = tags.clone();
  }

  @Override
  public Future<List<MapResult>> apply(Datum datum) {
    MapResult r = MapResult.passThrough(datum);
    return Future.succeededFuture(List.of(tags.length == 0 ? r : r.withTags(tags)));
  }

  static void configure(UdfArgs args, UdfServer server) {
    String tags = args.option("tags", "");
    String[] list = tags.isEmpty() ? new String[0] : tags.split(",", -1);
    for (String t : list) {
      if (t.isBlank()) {
        throw new UsageException("--tags '" + tags + "' has an empty tag; give comma-separated tags, e.g. --tags red,blue");
      }
    }
    server.handler(new Cat(list));
  }

  public static void main(String[] args) {
    UdfMain.run("cat", args, Cat::configure);
  }
}
