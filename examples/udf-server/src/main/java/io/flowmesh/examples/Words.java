package io.flowmesh.examples;

import com.google.protobuf.ByteString;
import io.flowmesh.udf.Datum;
import io.flowmesh.udf.MapResult;
import io.flowmesh.udf.ResultStream;
import io.flowmesh.udf.StreamMapHandler;
import io.flowmesh.udf.UdfArgs;
import io.flowmesh.udf.UdfMain;
import io.flowmesh.udf.UdfServer;
import io.flowmesh.udf.UsageException;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A stream-map UDF ({@code --mode stream-map}): splits each element's value (UTF-8) at whitespace,
 * or into pieces of {@code --chunk N} characters, and streams one result per piece, keeping the
 * keys, with {@code --pause D} between two pieces (a Vert.x timer: the event loop never waits,
 * so the pieces of many elements interleave on the stream). A value with no piece is dropped.
 */
public final class Words implements StreamMapHandler {

  private final Vertx vertx;
  private final long pauseMillis;
  private final int chunk;

  /**
   * @param vertx the server's Vert.x, for the pauses
   * @param pause between two pieces of one element; zero sends them all at once
   * @param chunk pieces of this many characters; 0 splits at whitespace
   */
  public Words(Vertx vertx, Duration pause, int chunk) {
    if (chunk < 0) {
      throw new UsageException("--chunk must be 0 (words) or a length of at least 1, not " + chunk);
    }
    this.vertx = vertx;
    this.pauseMillis = pause.toMillis();
    this.chunk = chunk;
  }

  @Override
  public void apply(Datum datum, ResultStream out) {
    List<String> pieces = pieces(datum.valueUtf8(), chunk);
    if (pauseMillis == 0) {
      for (String piece : pieces) {
        out.send(MapResult.of(datum.keys(), ByteString.copyFromUtf8(piece)));
      }
      out.end();
    } else {
      sendFrom(datum, pieces, 0, out);
    }
  }

  /** Sends piece {@code i}, then the next after the pause, and ends after the last. */
  private void sendFrom(Datum datum, List<String> pieces, int i, ResultStream out) {
    if (i < pieces.size()) {
      out.send(MapResult.of(datum.keys(), ByteString.copyFromUtf8(pieces.get(i))));
    }
    if (i + 1 >= pieces.size()) {
      out.end();
    } else {
      vertx.setTimer(pauseMillis, t -> sendFrom(datum, pieces, i + 1, out));
    }
  }

  /** The words of {@code text} ({@code chunk == 0}) or its pieces of {@code chunk} characters. */
  static List<String> pieces(String text, int chunk) {
    List<String> pieces = new ArrayList<>();
    if (chunk > 0) {
      for (int i = 0; i < text.length(); i += chunk) {
        pieces.add(text.substring(i, Math.min(text.length(), i + chunk)));
      }
      return pieces;
    }
    for (String word : text.split("\\s+")) {
      if (!word.isEmpty()) {
        pieces.add(word);
      }
    }
    return pieces;
  }

  static void configure(UdfArgs args, UdfServer server) {
    Duration pause = args.duration("pause", Duration.ZERO);
    long chunk = args.count("chunk", 0);
    server.streamHandler(new Words(server.vertx(), pause, (int) Math.min(chunk, Integer.MAX_VALUE)));
  }

  public static void main(String[] args) {
    UdfMain.run("words", args, Words::configure);
  }
}
