package io.flowmesh.examples.numaflow;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the SDK server listens, from the command line. Without {@code --port} or
 * {@code --socket} the SDK decides as it does in a Numaflow pod: plain TCP on port 50051 (all
 * interfaces) when env {@code NUMAFLOW_POD} is unset, else its default Unix socket and
 * server-info file under {@code /var/run/numaflow}.
 *
 * @param batch batch map instead of unary map
 * @param port TCP port to listen on (all interfaces); {@code null}: not given
 * @param socket Unix socket to listen on; {@code null}: not given
 * @param serverInfoFile where the SDK writes its server-info file when on a socket;
 *     {@code null}: next to the socket, named {@code mapper-server-info}
 */
record SdkServerOptions(boolean batch, Integer port, Path socket, Path serverInfoFile) {

  static final String USAGE = "usage: java -jar numaflow-sdk-udf.jar <unary-map|batch-map>"
      + " [--port N | --socket /path/map.sock] [--server-info-file PATH]";

  /** Parses the arguments; {@link IllegalArgumentException} with a one-line reason otherwise. */
  static SdkServerOptions parse(List<String> args) {
    if (args.isEmpty()) {
      throw new IllegalArgumentException("first argument must be the map mode, unary-map or batch-map");
    }
    boolean batch = switch (args.get(0)) {
      case "unary-map", "map", "unary" -> false;
      case "batch-map", "batch" -> true;
      default -> throw new IllegalArgumentException("first argument '" + args.get(0)
          + "' is not a map mode; use unary-map (alias map or unary) or batch-map (alias batch)");
    };
    Integer port = null;
    Path socket = null;
    Path info = null;
    for (int i = 1; i < args.size(); i += 2) {
      String name = args.get(i);
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException("option " + name + " needs a value");
      }
      String value = args.get(i + 1);
      switch (name) {
        case "--port" -> port = parsePort(value);
        case "--socket" -> socket = Path.of(value).toAbsolutePath();
        case "--server-info-file" -> info = Path.of(value).toAbsolutePath();
        default -> throw new IllegalArgumentException("unknown option " + name);
      }
    }
    if (port != null && socket != null) {
      throw new IllegalArgumentException("give --port or --socket, not both");
    }
    if (socket != null && info == null) {
      info = socket.resolveSibling("mapper-server-info");
    }
    if (port != null && info == null) {
      // SDK 0.9.2's batch server writes its info file even on TCP (to /var/run/numaflow unless told otherwise).
      info = Path.of(System.getProperty("java.io.tmpdir"), "numaflow-sdk-udf-" + ProcessHandle.current().pid(), "mapper-server-info");
    }
    return new SdkServerOptions(batch, port, socket, info);
  }

  private static int parsePort(String value) {
    try {
      int port = Integer.parseInt(value);
      if (port > 0 && port < 65536) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--port '" + value + "' is not a port number 1..65535");
  }
}
