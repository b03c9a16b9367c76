package io.flowmesh.examples.numaflow;

import io.numaproj.numaflow.sourcetransformer.Datum;
import io.numaproj.numaflow.sourcetransformer.GRPCConfig;
import io.numaproj.numaflow.sourcetransformer.Message;
import io.numaproj.numaflow.sourcetransformer.MessageList;
import io.numaproj.numaflow.sourcetransformer.Server;
import io.numaproj.numaflow.sourcetransformer.SourceTransformer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A source transformer on the SDK: the event time is read from the value when it starts with
 * {@code <epoch millis>|}, else the input's event time truncated to the whole second; each result
 * is tagged {@code even} or {@code odd} by its value's first byte; values matching {@code --drop
 * REGEX} are dropped. Stateless.
 *
 * <p>{@code java -jar numaflow-sdk-udf.jar source-transformer [--port N (default 55001) | --socket PATH]
 * [--server-info-file PATH] [--drop REGEX]}.
 */
public final class EvenOddTransformer extends SourceTransformer {

  static final String USAGE = "usage: java -jar numaflow-sdk-udf.jar source-transformer"
      + " [--port N | --socket /path/sourcetransform.sock] [--server-info-file PATH] [--drop REGEX]";

  private final Pattern drop;

  EvenOddTransformer(Pattern drop) {
    this.drop = drop;
  }

  @Override
  public MessageList processMessage(String[] keys, Datum datum) {
    byte[] value = datum.getValue();
    String text = new String(value, StandardCharsets.UTF_8);
    Instant eventTime = eventTime(text, datum.getEventTime());
    if (drop != null && drop.matcher(text).find()) {
      return MessageList.newBuilder().addMessage(Message.toDrop(eventTime)).build();
    }
    String tag = value.length > 0 && value[0] % 2 == 0 ? "even" : "odd";
    return MessageList.newBuilder().addMessage(new Message(value, eventTime, keys, new String[] {tag})).build();
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
    Integer port = null;
    String socket = null;
    String info = null;
    Pattern drop = null;
    for (int i = 0; i < args.size(); i += 2) {
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException("option " + args.get(i) + " needs a value; " + USAGE);
      }
      String v = args.get(i + 1);
      switch (args.get(i)) {
        case "--port" -> port = Integer.parseInt(v);
        case "--socket" -> socket = Path.of(v).toAbsolutePath().toString();
        case "--server-info-file" -> info = Path.of(v).toAbsolutePath().toString();
        case "--drop" -> drop = Pattern.compile(v);
        default -> throw new IllegalArgumentException("unknown option " + args.get(i) + "; " + USAGE);
      }
    }
    boolean local = socket == null;
    if (local && port == null) {
      port = 55001;
    }
    GRPCConfig.GRPCConfigBuilder config = GRPCConfig.newBuilder().isLocal(local);
    if (port != null) {
      config.port(port);
    }
    if (socket != null) {
      config.socketPath(socket);
      config.infoFilePath(info != null ? info : Path.of(socket).resolveSibling("sourcetransformer-server-info").toString());
    } else {
      config.infoFilePath(info != null ? info : Path.of(System.getProperty("java.io.tmpdir"),
          "numaflow-sdk-transformer-" + ProcessHandle.current().pid(), "sourcetransformer-server-info").toString());
    }
    Server server = new Server(new EvenOddTransformer(drop), config.build());
    server.start();
    System.out.println("udf numaflow-sdk-source-transformer listening on "
        + (local ? "tcp://0.0.0.0:" + port : "unix://" + socket) + " drop=" + drop);
    System.out.flush();
    server.awaitTermination();
  }
}
