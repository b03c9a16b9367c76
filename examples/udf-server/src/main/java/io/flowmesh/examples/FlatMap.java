package io.flowmesh.examples;

import com.google.protobuf.ByteString;
import io.flowmesh.udf.Datum;
import io.flowmesh.udf.MapHandler;
import io.flowmesh.udf.MapResult;
import io.flowmesh.udf.UdfArgs;
import io.flowmesh.udf.UdfMain;
import io.flowmesh.udf.UdfServer;
import io.flowmesh.udf.UsageException;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits each element's value (UTF-8) on a literal separator into one result per part, keeping
 * the keys; empty parts are kept. Option {@code --separator} (default {@code ,}).
 */
public final class FlatMap implements MapHandler {

  private final Pattern separator;

  public FlatMap(String separator) {
    if (separator.isEmpty()) {
      throw new UsageException("--separator must not be empty");
    }
    this.separator = Pattern.compile(Pattern.quote(separator));
  }

  @Override
  public Future<List<MapResult>> apply(Datum datum) {
    String[] parts = separator.split(datum.valueUtf8(), -1);
    List<MapResult> results = new ArrayList<>(parts.length);
    for (String part : parts) {
      results.add(MapResult.of(datum.keys(), ByteString.copyFrom(part, StandardCharsets.UTF_8)));
    }
    return Future.succeededFuture(results);
  }

  static void configure(UdfArgs args, UdfServer server) {
    server.handler(new FlatMap(args.option("separator", ",")));
  }

  public static void main(String[] args) {
    UdfMain.run("flatmap", args, FlatMap::configure);
  }
}
