package io.flowmesh.examples;

import com.google.protobuf.ByteString;
import io.flowmesh.udf.Datum;
import io.flowmesh.udf.MapHandler;
import io.flowmesh.udf.MapResult;
import io.flowmesh.udf.UdfArgs;
import io.flowmesh.udf.UdfMain;
import io.flowmesh.udf.UdfServer;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** Upper-cases each element's value, read as UTF-8; keys are kept. */
public final class Uppercase implements MapHandler {

  @Override
  public Future<List<MapResult>> apply(Datum datum) {
    String upper = datum.valueUtf8().toUpperCase(Locale.ROOT);
    return Future.succeededFuture(List.of(MapResult.of(datum.keys(), ByteString.copyFrom(upper, StandardCharsets.UTF_8))));
  }

  static void configure(UdfArgs args, UdfServer server) {
    server.handler(new Uppercase());
  }

  public static void main(String[] args) {
    UdfMain.run("uppercase", args, Uppercase::configure);
  }
}
