package io.flowmesh.examples.numaflow;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code stream-map} subcommand: {@link WordsMapStreamer} on the SDK's
 * {@code mapstreamer.Server}. Its arguments are the other modes' ({@link SdkServerOptions})
 * plus {@code --delay-ms N} between two words, {@code --chunk N} (pieces of N characters
 * instead of words) and {@code --address tcp://HOST:PORT|unix:///PATH}
 * (as {@code scripts/run-local.sh} passes it); the default socket is Numaflow's
 * {@code /var/run/numaflow/mapstream.sock}, the server-info file {@code mapper-server-info}.
 */
final class SdkStreamServer {

  static final String USAGE = "usage: java -jar numaflow-sdk-udf.jar stream-map [--delay-ms N] [--chunk N] [--address tcp://HOST:PORT|unix:///PATH]"
      + " [--port N | --socket /path/mapstream.sock] [--server-info-file PATH]";

  private SdkStreamServer() {
  }

  /** Parses {@code args} (after {@code stream-map}) and builds the server. */
  static SdkServer create(List<String> args) {
    List<String> rest = new ArrayList<>(List.of("unary-map"));
    long delay = 0;
    int chunk = 0;
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals("--delay-ms")) {
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException("option --delay-ms needs a value");
        }
        delay = parseDelay(args.get(++i));
      } else if (args.get(i).equals("--chunk") && i + 1 < args.size()) {
        chunk = parseChunk(args.get(++i));
      } else if (args.get(i).equals("--address") && i + 1 < args.size()) { // as run-local.sh passes it
        String address = args.get(++i);
        if (address.startsWith("tcp://") && address.lastIndexOf(':') > 5) {
          rest.addAll(List.of("--port", address.substring(address.lastIndexOf(':') + 1)));
        } else if (address.startsWith("unix://")) {
          rest.addAll(List.of("--socket", address.substring("unix://".length())));
        } else {
          throw new IllegalArgumentException("--address '" + address + "' is neither tcp://HOST:PORT nor unix:///PATH");
        }
      } else {
        rest.add(args.get(i));
      }
    }
    SdkServerOptions options = SdkServerOptions.parse(rest);
    boolean local = options.socket() == null && (options.port() != null || System.getenv("NUMAFLOW_POD") == null);
    String address = local
        ? "tcp://0.0.0.0:" + (options.port() == null ? 50051 : options.port())
        : "unix://" + (options.socket() == null ? "/var/run/numaflow/mapstream.sock" : options.socket());
    var config = io.numaproj.numaflow.mapstreamer.GRPCConfig.newBuilder().isLocal(local);
    if (options.port() != null) {
      config.port(options.port());
    }
    if (options.socket() != null) {
      config.socketPath(options.socket().toString());
    }
    if (options.serverInfoFile() != null) {
      config.infoFilePath(options.serverInfoFile().toString());
    }
    var server = new io.numaproj.numaflow.mapstreamer.Server(new WordsMapStreamer(delay, chunk), config.build());
    return new SdkServer() {
      public void start() throws Exception {
        if (options.serverInfoFile() != null) { // SDK 0.9.2's mapstreamer.Server writes it even on TCP
          java.nio.file.Files.createDirectories(options.serverInfoFile().getParent());
        }
        server.start();
      }

      public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
      }

      public void stop() throws InterruptedException {
        server.stop();
      }

      public String address() {
        return address;
      }
    };
  }

  private static int parseChunk(String value) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--chunk '" + value + "' is not a length of at least 1");
  }

  private static long parseDelay(String value) {
    try {
      long ms = Long.parseLong(value);
      if (ms >= 0 && ms <= 60_000) {
        return ms;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--delay-ms '" + value + "' is not a delay of 0..60000 ms");
  }
}
