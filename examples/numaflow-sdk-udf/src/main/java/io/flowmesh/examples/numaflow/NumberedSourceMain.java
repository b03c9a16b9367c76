package io.flowmesh.examples.numaflow;

import io.numaproj.numaflow.sourcer.GRPCConfig;
import io.numaproj.numaflow.sourcer.Server;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code java -jar numaflow-sdk-udf.jar source --records N [--state FILE] [--port P | --socket PATH]
 * [--server-info-file PATH]}: {@link NumberedSourcer} on the SDK's source server.
 */
final class NumberedSourceMain {

  static final String USAGE = "usage: java -jar numaflow-sdk-udf.jar source --records N [--state FILE]"
      + " [--port N | --socket /path/source.sock] [--server-info-file PATH]";

  private NumberedSourceMain() {
  }

  static void run(List<String> args) throws Exception {
    long records = -1;
    Path state = null;
    Integer port = null;
    Path socket = null;
    Path info = null;
    try {
      for (int i = 0; i < args.size(); i += 2) {
        String name = args.get(i);
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException("option " + name + " needs a value");
        }
        String value = args.get(i + 1);
        switch (name) {
          case "--records" -> records = Long.parseLong(value);
          case "--state" -> state = Path.of(value).toAbsolutePath();
          case "--port" -> port = Integer.parseInt(value);
          case "--socket" -> socket = Path.of(value).toAbsolutePath();
          case "--server-info-file" -> info = Path.of(value).toAbsolutePath();
          default -> throw new IllegalArgumentException("unknown option " + name);
        }
      }
      if (records < 0) {
        throw new IllegalArgumentException("--records N is required (N >= 0)");
      }
      if (port != null && socket != null) {
        throw new IllegalArgumentException("give --port or --socket, not both");
      }
    } catch (NumberFormatException e) {
      System.err.println("numaflow-sdk-udf source: not a number: " + e.getMessage() + "; " + USAGE);
      System.exit(2);
      return;
    } catch (IllegalArgumentException e) {
      System.err.println("numaflow-sdk-udf source: " + e.getMessage() + "; " + USAGE);
      System.exit(2);
      return;
    }
    boolean local = socket == null;
    var config = GRPCConfig.newBuilder().isLocal(local);
    if (port != null) {
      config.port(port);
    }
    if (socket != null) {
      config.socketPath(socket.toString());
      config.infoFilePath((info != null ? info : socket.resolveSibling("sourcer-server-info")).toString());
    } else if (info != null) {
      config.infoFilePath(info.toString());
    }
    NumberedSourcer sourcer = new NumberedSourcer(records, state);
    Server server = new Server(sourcer, config.build());
    server.start();
    System.out.println("udsource numaflow-sdk-numbered listening on "
        + (local ? "tcp://127.0.0.1:" + (port == null ? 50051 : port) : "unix://" + socket)
        + " records=" + records + " acked-before=" + sourcer.acked() + (state == null ? "" : " state=" + state));
    System.out.flush();
    server.awaitTermination();
  }
}
