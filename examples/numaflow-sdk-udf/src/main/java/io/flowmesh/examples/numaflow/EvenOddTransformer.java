package io.flowmesh.examples.numaflow;

import io.numaproj.numaflow.sourcetransformer.Datum;
import io.numaproj.numaflow.sourcetransformer.GRPCConfig;
import io.numaproj.numaflow.sourcetransformer.Message;
import io.numaproj.numaflow.sourcetransformer.MessageList;
import io.numaproj.numaflow.sourcetransformer.Server;
import io.numaproj.numaflow.sourcetransformer.SourceTransformer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A source transformer on the SDK: the event time is read from the value when it starts with
 * {@code <epoch millis>|}, else the input's event time truncated to the whole second; each result
 * is tagged {@code even} or {@code odd} by its value's first byte; values matching {@code --drop
 * REGEX} are dropped; a value in which {@code --split REGEX} matches is split there, one result per
 * part (so one input can give several outputs). Stateless.
 *
 * <p>{@code java -jar numaflow-sdk-udf.jar source-transformer [--port N (default 55001) | --socket PATH]
 * [--server-info-file PATH] [--drop REGEX] [--split REGEX]}.
 */
public final class EvenOddTransformer extends SourceTransformer {

  /** The TCP port without {@code --port} (run-local's default for the transformer). */
  static final int DEFAULT_PORT = 55001;

  static final String USAGE = "usage: java -jar numaflow-sdk-udf.jar source-transformer [--drop REGEX] "
      + "[--split REGEX] " + SdkServerOptions.LISTEN_USAGE + " (default: TCP port " + DEFAULT_PORT + ")";

  private final Pattern drop;
  private final Pattern split;

  EvenOddTransformer(Pattern drop, Pattern split) {
    this.drop = drop;
    this.split = split;
  }

  @Override
  public MessageList processMessage(String[] keys, Datum datum) {
    byte[] value = datum.getValue();
    String text = new String(value, StandardCharsets.UTF_8);
    Instant eventTime = eventTime(text, datum.getEventTime());
    if (drop != null && drop.matcher(text).find()) {
      return MessageList.newBuilder().addMessage(Message.toDrop(eventTime)).build();
    }
    if (split != null && split.matcher(text).find()) {
      MessageList.MessageListBuilder parts = MessageList.newBuilder();
      for (String part : split.split(text, -1)) {
        parts.addMessage(result(part.getBytes(StandardCharsets.UTF_8), eventTime, keys));
      }
      return parts.build();
    }
    return MessageList.newBuilder().addMessage(result(value, eventTime, keys)).build();
  }

  private static Message result(byte[] value, Instant eventTime, String[] keys) {
    String tag = value.length > 0 && value[0] % 2 == 0 ? "even" : "odd";
    return new Message(value, eventTime, keys, new String[] {tag});
  }

  static Instant eventTime(String text, Instant fallback) {
    int bar = text.indexOf('|');
    if (bar > 0 && bar <= 19) {
      try {
        return Instant.ofEpochMilli(Long.parseLong(text.substring(0, bar)));
      } catch (NumberFormatException e) {
        // not a time prefix: the fallback below
      }
    }
    return Instant.ofEpochMilli(fallback.toEpochMilli() / 1000 * 1000);
  }

  /** Serves the transformer on the SDK's server until it is stopped. */
  static void serve(List<String> args) throws Exception {
    SdkServerOptions options = SdkServerOptions.parse(args, "transformer", "sourcetransformer-server-info", Set.of("drop", "split"));
    Pattern drop = pattern("drop", options.option("drop", null));
    Pattern split = pattern("split", options.option("split", null));
    options.createServerInfoDirectory(); // the SDK's transformer server writes its info file even on TCP
    GRPCConfig.GRPCConfigBuilder config = GRPCConfig.newBuilder();
    options.configure(DEFAULT_PORT, config::isLocal, config::port, config::socketPath, config::infoFilePath);
    Server server = new Server(new EvenOddTransformer(drop, split), config.build());
    SdkServer.serve(SdkServer.of(server::start, server::awaitTermination, server::stop, null),
        "udf numaflow-sdk-source-transformer listening on "
            + options.address(DEFAULT_PORT, "/var/run/numaflow/sourcetransform.sock") + " drop=" + drop
            + " split=" + split);
  }

  /** {@code --name}'s regular expression, or null when not given. */
  private static Pattern pattern(String name, String text) {
    try {
      return text == null ? null : Pattern.compile(text);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("--" + name + " '" + text + "' is not a regular expression: " + e.getDescription());
    }
  }
}
