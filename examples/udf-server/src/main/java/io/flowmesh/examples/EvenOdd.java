package io.flowmesh.examples;

import io.flowmesh.udf.Datum;
import io.flowmesh.udf.MapResult;
import io.flowmesh.udf.UdfArgs;
import io.flowmesh.udf.UdfMain;
import io.flowmesh.udf.UdfServer;
import io.vertx.core.Future;
import java.util.List;

/**
 * Tags each element whose value is a decimal number ({@code 42}) {@code even} or {@code odd}; the
 * value passes unchanged, and any other value passes untagged. For conditional forwarding:
 * {@code map.edge.condition.sink-even=or:even}.
 */
public final class EvenOdd {

  private EvenOdd() {
  }

  static Future<List<MapResult>> tag(Datum datum) {
    String value = datum.valueUtf8();
    boolean number = !value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9');
    MapResult out = MapResult.passThrough(datum);
    if (!number) {
      return Future.succeededFuture(List.of(out));
    }
    boolean even = (value.charAt(value.length() - 1) - '0') % 2 == 0;
    return Future.succeededFuture(List.of(out.withTags(even ? "even" : "odd")));
  }

  static void configure(UdfArgs args, UdfServer server) {
    server.handler(EvenOdd::tag);
  }

  public static void main(String[] args) {
    UdfMain.run("even-odd", args, EvenOdd::configure);
  }
}
