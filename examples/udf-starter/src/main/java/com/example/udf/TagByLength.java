package com.example.udf;

import com.google.protobuf.ByteString;
import io.flowmesh.udf.Datum;
import io.flowmesh.udf.MapHandler;
import io.flowmesh.udf.MapResult;
import io.flowmesh.udf.UdfMain;
import io.vertx.core.Future;
import java.util.List;
import java.util.Locale;

/**
 * A starter map UDF: upper-cases each value and tags it "short" or "long" by its length; drops
 * blank values. Rename it, change {@link #apply}, and keep {@code main}.
 */
public final class TagByLength implements MapHandler {

  private final int longFrom;

  /** Values of {@code longFrom} characters or more are tagged "long". */
  public TagByLength(int longFrom) {
    this.longFrom = longFrom;
  }

  /**
   * Runs on the server's event loop: never block here. Answer with a completed future when the
   * answer is at hand, or return a future that completes later (any thread).
   */
  @Override
  public Future<List<MapResult>> apply(Datum datum) {
    String value = datum.valueUtf8();
    if (value.isBlank()) {
      return Future.succeededFuture(List.of(MapResult.drop()));
    }
    String tag = value.length() >= longFrom ? "long" : "short";
    // withTags(String... tags) returns a copy of the result carrying these tags instead of its own.
    MapResult result = MapResult.of(datum.keys(), ByteString.copyFromUtf8(value.toUpperCase(Locale.ROOT))).withTags(tag);
    return Future.succeededFuture(List.of(result));
  }

  /**
   * {@code java -jar target/my-udf.jar [--address tcp://127.0.0.1:50051] [--mode unary-map|batch-map] [--long-from 10]};
   * {@code --help} lists every option.
   */
  public static void main(String[] args) {
    UdfMain.run("tag-by-length", args, (options, server) ->
        server.handler(new TagByLength((int) options.count("long-from", 10))));
  }
}
