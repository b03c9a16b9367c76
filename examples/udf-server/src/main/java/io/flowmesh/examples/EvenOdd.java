package io.flowmesh.examples;

import com.google.protobuf.ByteString;
import io.flowmesh.udf.Datum;
import io.flowmesh.udf.MapResult;
import io.flowmesh.udf.UdfArgs;
import io.flowmesh.udf.UdfMain;
import io.flowmesh.udf.UdfServer;
import io.vertx.core.Future;
import java.util.List;

/**
 * Tags each element {@code even} or {@code odd}: by the number's parity when its value is a
 * decimal number ({@code 42} is even), otherwise by the parity of its last byte (so a generator's
 * random payloads split about half and half); an empty value passes untagged. The value passes
 * unchanged. For conditional forwarding: {@code map.edge.condition.sink-even=or:even}.
 */
public final class EvenOdd {

  private EvenOdd() {
  }

  static Future<List<MapResult>> tag(Datum datum) {
    ByteString value = datum.value();
    MapResult out = MapResult.passThrough(datum);
    if (value.isEmpty()) {
      return Future.succeededFuture(List.of(out));
    }
    // The digits' codes '0'..'9' (48..57) have the digits' parity, so one rule serves both cases.
    boolean even = (value.byteAt(value.size() - 1) & 1) == 0;
    return Future.succeededFuture(List.of(out.withTags(even ? "even" : "odd")));
  }

  static void configure(UdfArgs args, UdfServer server) {
    server.handler(EvenOdd::tag);
  }

  public static void main(String[] args) {
    UdfMain.run("even-odd", args, EvenOdd::configure);
  }
}
