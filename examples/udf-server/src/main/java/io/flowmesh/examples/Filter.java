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
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Drops the elements whose value (UTF-8) matches a predicate, by answering with the DROP tag;
 * the others pass unchanged. Exactly one of {@code --contains TEXT} (drop values containing
 * TEXT) or {@code --regex REGEX} (drop values in which REGEX finds a match).
 */
public final class Filter implements MapHandler {

  private static final List<MapResult> DROPPED = List.of(MapResult.drop());

  private final Predicate<String> dropIf;

  public Filter(Predicate<String> dropIf) {
    this.dropIf = dropIf;
  }

  /** Drops values containing {@code text}. */
  public static Filter containing(String text) {
    return new Filter(value -> value.contains(text));
  }

  /** Drops values in which {@code regex} finds a match. */
  public static Filter matching(String regex) {
    try {
      Pattern pattern = Pattern.compile(regex);
      return new Filter(value -> pattern.matcher(value).find());
    } catch (PatternSyntaxException e) {
      throw new UsageException("--regex '" + regex + "' is not a valid regular expression: " + e.getDescription());
    }
  }

  @Override
  public Future<List<MapResult>> apply(Datum datum) {
    if (dropIf.test(datum.valueUtf8())) {
      return Future.succeededFuture(DROPPED);
    }
    return Future.succeededFuture(List.of(MapResult.passThrough(datum)));
  }

  static void configure(UdfArgs args, UdfServer server) {
    String contains = args.option("contains", null);
    String regex = args.option("regex", null);
    if ((contains == null) == (regex == null)) {
      throw new UsageException("filter needs exactly one of --contains TEXT or --regex REGEX");
    }
    server.handler(contains != null ? containing(contains) : matching(regex));
  }

  public static void main(String[] args) {
    UdfMain.run("filter", args, Filter::configure);
  }
}
