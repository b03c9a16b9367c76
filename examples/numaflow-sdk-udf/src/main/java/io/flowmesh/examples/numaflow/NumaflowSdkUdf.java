package io.flowmesh.examples.numaflow;

import java.util.List;
import java.util.Set;

/**
 * Runs one of the examples on the Numaflow Java SDK's own servers:
 * {@code java -jar numaflow-sdk-udf.jar <subcommand> [options]}, the subcommand naming the kind.
 * Every subcommand takes the same listening options ({@link SdkServerOptions}) and its own.
 *
 * <p>How the SDK picks where to listen: its {@code GRPCConfig} has an {@code isLocal} flag.
 * When true it serves plain TCP on {@code port} (default 50051) on all interfaces and writes no
 * server-info file; when false it serves the Unix socket {@code socketPath} and writes the
 * server-info file at {@code infoFilePath}. The SDK's default config sets {@code isLocal} to
 * "env {@code NUMAFLOW_POD} is unset"; a config built with {@code GRPCConfig.newBuilder()}
 * starts with {@code isLocal} false, so it must be set explicitly.
 */
public final class NumaflowSdkUdf {

  static final String USAGE = "usage: java -jar numaflow-sdk-udf.jar <unary-map|batch-map> " + SdkServerOptions.LISTEN_USAGE;

  private NumaflowSdkUdf() {
  }

  public static void main(String[] args) throws Exception {
    List<String> all = List.of(args);
    String command = all.isEmpty() ? "" : all.get(0);
    List<String> rest = all.isEmpty() ? all : all.subList(1, all.size());
    if (all.contains("--version")) {
      System.out.println("numaflow-sdk-udf " + version() + " (Numaflow Java SDK 0.9.2)");
      return;
    }
    if (all.contains("--help") || all.contains("-h")) {
      System.out.println(help());
      return;
    }
    try {
      switch (command) {
        case "udsink" -> FileSinker.run(rest);
        case "source" -> NumberedSourceMain.run(rest);
        case "source-transformer" -> EvenOddTransformer.serve(rest);
        case "stream-map" -> SdkStreamServer.run(rest);
        default -> map(command, rest);
      }
    } catch (IllegalArgumentException e) {
      System.err.println("numaflow-sdk-udf" + (command.isEmpty() ? "" : " " + command) + ": " + e.getMessage()
          + "; " + usage(command));
      System.exit(2);
    }
  }

  /** The unary-map and batch-map subcommands: {@link UppercaseMapper} or {@link UppercaseBatchMapper}. */
  private static void map(String mode, List<String> args) throws Exception {
    boolean batch = batch(mode);
    SdkServer server = SdkServer.map(batch, SdkServerOptions.parse(args, "map", "mapper-server-info", Set.of()));
    SdkServer.serve(server, "udf numaflow-sdk-uppercase listening on " + server.address()
        + " mode=" + (batch ? "batch-map" : "unary-map"));
  }

  /** Whether {@code mode} is batch map; {@link IllegalArgumentException} unless it is a map mode. */
  static boolean batch(String mode) {
    return switch (mode) {
      case "unary-map", "map", "unary" -> false;
      case "batch-map", "batch" -> true;
      case "" -> throw new IllegalArgumentException("first argument must be the map mode, unary-map or batch-map,"
          + " or another subcommand (see --help)");
      default -> throw new IllegalArgumentException("first argument '" + mode + "' is not a map mode or subcommand;"
          + " use unary-map (alias map or unary), batch-map (alias batch), stream-map, source, source-transformer or udsink");
    };
  }

  private static String usage(String command) {
    return switch (command) {
      case "source" -> NumberedSourceMain.USAGE;
      case "source-transformer" -> EvenOddTransformer.USAGE;
      case "stream-map" -> SdkStreamServer.USAGE;
      case "udsink" -> FileSinker.USAGE;
      default -> USAGE;
    };
  }

  private static String help() {
    return "Examples on Numaflow's official Java SDK, to run behind Flowmesh's services.\n"
        + USAGE + "\n"
        + "  unary-map | batch-map     an uppercase map UDF (aliases: map or unary, batch); map-service's map.mode must match\n"
        + "  stream-map [--delay-ms N] [--chunk N]  one result per word of each value (or per N characters), N ms apart\n"
        + "  source --records N [--state FILE]      a user-defined source (source.v1) of N numbered records\n"
        + "  source-transformer [--drop REGEX] [--split REGEX]  a source transformer: event time, even/odd tags, drops"
        + " matching values, splits values where --split matches (TCP port " + EvenOddTransformer.DEFAULT_PORT + " by default)\n"
        + "  udsink: a user-defined sink (sink.type=udsink); " + FileSinker.USAGE + "\n"
        + "Every subcommand listens as these say:\n"
        + "  --port N                  serve TCP on all interfaces, port N (no server-info file is read by Flowmesh)\n"
        + "  --socket PATH             serve this Unix socket; the server-info file goes next to it\n"
        + "  --address ADDRESS         tcp://HOST:PORT (as --port PORT) or unix:///PATH (as --socket PATH)\n"
        + "  --server-info-file PATH   where the SDK writes its server-info file\n"
        + "  --help, --version         print this or the version and exit\n"
        + "Neither --port nor --socket: the SDK decides (TCP when NUMAFLOW_POD is unset).";
  }

  /** This jar's version from its manifest ({@code Implementation-Version}); "unknown" outside a built jar. */
  static String version() {
    String v = NumaflowSdkUdf.class.getPackage().getImplementationVersion();
    return v == null ? "unknown" : v;
  }
}
