package io.flowmesh.examples.numaflow;

import java.util.List;

/**
 * Runs {@link UppercaseMapper} or {@link UppercaseBatchMapper} on the Numaflow Java SDK's own
 * server: {@code java -jar numaflow-sdk-udf.jar <unary|batch> [--port N | --socket PATH]}.
 *
 * <p>How the SDK picks where to listen: its {@code GRPCConfig} has an {@code isLocal} flag.
 * When true it serves plain TCP on {@code port} (default 50051) on all interfaces and writes no
 * server-info file; when false it serves the Unix socket {@code socketPath} and writes the
 * server-info file at {@code infoFilePath}. The SDK's default config sets {@code isLocal} to
 * "env {@code NUMAFLOW_POD} is unset"; a config built with {@code GRPCConfig.newBuilder()}
 * starts with {@code isLocal} false, so it must be set explicitly.
 */
public final class NumaflowSdkUdf {

  private NumaflowSdkUdf() {
  }

  public static void main(String[] args) throws Exception {
    List<String> all = List.of(args);
    // udsink: a user-defined sink (FileSinker), its own options.
    if (!all.isEmpty() && all.get(0).equals("udsink")) {
      FileSinker.run(all.subList(1, all.size()));
      return;
    }
    if (!all.isEmpty() && all.get(0).equals("source")) { // a user-defined source, not a map
      NumberedSourceMain.run(all.subList(1, all.size()));
      return;
    }
    if (all.contains("--version")) {
      System.out.println("numaflow-sdk-udf " + version() + " (Numaflow Java SDK 0.9.2)");
      return;
    }
    if (all.contains("--help") || all.contains("-h")) {
      System.out.println("An uppercase map UDF on Numaflow's official Java SDK, to run behind map-service.\n"
          + SdkServerOptions.USAGE + "\n"
          + "  unary-map | batch-map     the map mode (aliases: map or unary, batch); map-service's map.mode must match\n"
          + "  stream-map [--delay-ms N] [--chunk N]  one result per word of each value (or per N characters), N ms apart\n"
          + "  --port N                  serve TCP on all interfaces, port N (no server-info file is read by map-service)\n"
          + "  --socket PATH             serve this Unix socket; the server-info file goes next to it\n"
          + "  --server-info-file PATH   where the SDK writes its server-info file\n"
          + "  --help, --version         print this or the version and exit\n"
          + "udsink: a user-defined sink (sink.type=udsink) instead; " + FileSinker.USAGE + "\n"
          + "Or a user-defined source (source.v1): " + NumberedSourceMain.USAGE + "\n"
          + "Neither --port nor --socket: the SDK decides (TCP 50051 when NUMAFLOW_POD is unset).");
      return;
    }
    if (!all.isEmpty() && all.get(0).equals("stream-map")) {
      streamMap(all.subList(1, all.size()));
      return;
    }
    if (!all.isEmpty() && all.get(0).equals("source-transformer")) {
      // The source transformer (EvenOddTransformer): its own options, see its usage.
      EvenOddTransformer.serve(all.subList(1, all.size()));
      return;
    }
    SdkServerOptions options;
    try {
      options = SdkServerOptions.parse(List.of(args));
    } catch (IllegalArgumentException e) {
      System.err.println("numaflow-sdk-udf: " + e.getMessage() + "; " + SdkServerOptions.USAGE);
      System.exit(2);
      return;
    }
    SdkServer server = SdkServer.create(options);
    server.start();
    System.out.println("udf numaflow-sdk-uppercase listening on " + server.address()
        + " mode=" + (options.batch() ? "batch-map" : "unary-map"));
    System.out.flush();
    server.awaitTermination();
  }

  /** The stream-map subcommand: {@link WordsMapStreamer}, one result per word. */
  private static void streamMap(List<String> args) throws Exception {
    SdkServer server;
    try {
      server = SdkStreamServer.create(args);
    } catch (IllegalArgumentException e) {
      System.err.println("numaflow-sdk-udf: " + e.getMessage() + "; " + SdkStreamServer.USAGE);
      System.exit(2);
      return;
    }
    server.start();
    System.out.println("udf stream-map listening on " + server.address() + " mode=stream-map (numaflow-sdk-words)");
    System.out.flush();
    server.awaitTermination();
  }

  /** This jar's version from its manifest ({@code Implementation-Version}); "unknown" outside a built jar. */
  static String version() {
    String v = NumaflowSdkUdf.class.getPackage().getImplementationVersion();
    return v == null ? "unknown" : v;
  }
}
