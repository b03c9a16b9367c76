package io.flowmesh.examples;

import io.flowmesh.udf.Datum;
import io.flowmesh.udf.MapHandler;
import io.flowmesh.udf.MapResult;
import io.flowmesh.udf.UdfArgs;
import io.flowmesh.udf.UdfMain;
import io.flowmesh.udf.UdfServer;
import io.vertx.core.Future;
import java.util.List;

/** The identity map: each element's keys and value, unchanged. Answers at once. */
public final class Cat implements MapHandler {

  @Override
  public Future<List<MapResult>> apply(Datum datum) {
    return Future.succeededFuture(List.of(MapResult.passThrough(datum)));
  }

  static void configure(UdfArgs args, UdfServer server) {
    server.handler(new Cat());
  }

  public static void main(String[] args) {
    UdfMain.run("cat", args, Cat::configure);
  }
}
