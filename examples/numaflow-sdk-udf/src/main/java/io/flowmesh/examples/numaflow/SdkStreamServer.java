package io.flowmesh.examples.numaflow;

import java.util.List;
import java.util.Set;

/**
 * The {@code stream-map} subcommand: {@link WordsMapStreamer} on the SDK's
 * {@code mapstreamer.Server}. Its arguments are {@link SdkServerOptions}' plus {@code --delay-ms N}
 * between two words and {@code --chunk N} (pieces of N characters instead of words); the default
 * socket is Numaflow's {@code /var/run/numaflow/mapstream.sock}, the server-info file
 * {@code mapper-server-info}.
 */
final class SdkStreamServer {

  static final String USAGE = "usage: java -jar numaflow-sdk-udf.jar stream-map [--delay-ms N] [--chunk N] "
      + SdkServerOptions.LISTEN_USAGE;

  private SdkStreamServer() {
  }

  /** Parses {@code args} (after {@code stream-map}) and builds the server. */
  static SdkServer create(List<String> args) throws java.io.IOException {
    SdkServerOptions options = SdkServerOptions.parse(args, "mapstream", "mapper-server-info", Set.of("delay-ms", "chunk"));
    long delay = options.number("delay-ms", 0, 0, 60_000);
    int chunk = (int) options.number("chunk", 0, 1, Integer.MAX_VALUE);
    options.createServerInfoDirectory(); // SDK 0.9.2's mapstreamer.Server writes it even on TCP
    var config = io.numaproj.numaflow.mapstreamer.GRPCConfig.newBuilder();
    options.configure(SdkServer.DEFAULT_PORT, config::isLocal, config::port, config::socketPath, config::infoFilePath);
    var server = new io.numaproj.numaflow.mapstreamer.Server(new WordsMapStreamer(delay, chunk), config.build());
    return SdkServer.of(server::start, server::awaitTermination, server::stop,
        options.address(SdkServer.DEFAULT_PORT, "/var/run/numaflow/mapstream.sock"));
  }

  /** Runs the subcommand until the server stops. */
  static void run(List<String> args) throws Exception {
    SdkServer server = create(args);
    SdkServer.serve(server, "udf stream-map listening on " + server.address() + " mode=stream-map (numaflow-sdk-words)");
  }
}
