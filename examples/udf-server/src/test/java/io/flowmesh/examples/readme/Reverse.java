package io.flowmesh.examples.readme;

import com.google.protobuf.ByteString;
import io.flowmesh.udf.Datum;
import io.flowmesh.udf.MapHandler;
import io.flowmesh.udf.MapResult;
import io.flowmesh.udf.UdfMain;
import io.vertx.core.Future;
import java.util.List;

/** Reverses each value; drops empty ones. (The README's example: keep the two in step.) */
public final class Reverse implements MapHandler {

  private final int maxLength;

  public Reverse(int maxLength) {
    this.maxLength = maxLength;
  }

  @Override
  public Future<List<MapResult>> apply(Datum datum) {
    String value = datum.valueUtf8();
    if (value.isEmpty()) {
      return Future.succeededFuture(List.of(MapResult.drop()));
    }
    String reversed = new StringBuilder(value).reverse().toString();
    if (reversed.length() > maxLength) {
      reversed = reversed.substring(0, maxLength);
    }
    return Future.succeededFuture(List.of(MapResult.of(datum.keys(), ByteString.copyFromUtf8(reversed))));
  }

  public static void main(String[] args) {
    UdfMain.run("reverse", args, (options, server) ->
        server.handler(new Reverse((int) options.count("max-length", 1000))));
  }
}
