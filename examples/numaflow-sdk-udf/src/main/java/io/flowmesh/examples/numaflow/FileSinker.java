package io.flowmesh.examples.numaflow;

import io.numaproj.numaflow.sinker.Datum;
import io.numaproj.numaflow.sinker.DatumIterator;
import io.numaproj.numaflow.sinker.GRPCConfig;
import io.numaproj.numaflow.sinker.Response;
import io.numaproj.numaflow.sinker.ResponseList;
import io.numaproj.numaflow.sinker.Server;
import io.numaproj.numaflow.sinker.Sinker;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A user-defined sink on the Numaflow Java SDK 0.9.2 ({@code Sinker}): appends each message to a
 * file as a line {@code id<TAB>value}, flushed before the batch is answered. For trying out what
 * the sink does with the other answers, a fraction of ids (chosen by a hash of the id, so the same
 * ids every run) is answered FAILURE, on its first attempt only (so a retry succeeds), and another
 * fraction FALLBACK (written to the sink-service's fallback sink instead). 0.9.2 knows no
 * ON_SUCCESS; see the udsink docs.
 *
 * <p>{@code java -jar numaflow-sdk-udf.jar udsink --out FILE [--failure-fraction F] [--fallback-fraction F]
 * [--port N | --socket PATH | --address ADDRESS] [--server-info-file PATH]}: listens as every subcommand does
 * ({@link SdkServerOptions}).
 */
final class FileSinker extends Sinker {

  static final String USAGE = "usage: java -jar numaflow-sdk-udf.jar udsink --out FILE [--failure-fraction 0.01]"
      + " [--fallback-fraction 0.01] " + SdkServerOptions.LISTEN_USAGE;

  private final OutputStream out;
  private final double failureFraction;
  private final double fallbackFraction;
  private final Set<String> failedOnce = new HashSet<>();

  FileSinker(Path file, double failureFraction, double fallbackFraction) throws IOException {
    boolean torn = endsTorn(file);
    this.out = new BufferedOutputStream(new FileOutputStream(file.toFile(), true), 64 * 1024);
    if (torn) {
      // A crash (kill -9) mid-write left half a line: end it, so the next line is not glued to it.
      out.write('\n');
      out.flush();
    }
    this.failureFraction = failureFraction;
    this.fallbackFraction = fallbackFraction;
  }

  private static boolean endsTorn(Path file) throws IOException {
    if (!java.nio.file.Files.exists(file) || java.nio.file.Files.size(file) == 0) {
      return false;
    }
    try (var f = new java.io.RandomAccessFile(file.toFile(), "r")) {
      f.seek(f.length() - 1);
      return f.read() != '\n';
    }
  }

  /** Where in [0, 1) the id falls: the same for the same id in every run. */
  static double share(String id) {
    return ((id.hashCode() * 0x9E3779B1) >>> 8) / (double) (1 << 24);
  }

  @Override
  public synchronized ResponseList processMessages(DatumIterator datums) {
    ResponseList.ResponseListBuilder responses = ResponseList.newBuilder();
    try {
      for (Datum d = datums.next(); d != null; d = datums.next()) {
        String id = d.getId();
        double share = share(id);
        if (share < failureFraction && failedOnce.add(id)) {
          responses.addResponse(Response.responseFailure(id, "deliberate failure on the first attempt (--failure-fraction)"));
        } else if (share >= failureFraction && share < failureFraction + fallbackFraction) {
          responses.addResponse(Response.responseFallback(id));
        } else {
          out.write(id.getBytes(StandardCharsets.UTF_8));
          out.write('\t');
          out.write(d.getValue());
          out.write('\n');
          responses.addResponse(Response.responseOK(id));
        }
      }
      out.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      throw new IllegalStateException("writing the sink file failed: " + e.getMessage(), e);
    }
    return responses.build();
  }

  /** Parses {@code args} (after {@code udsink}), starts the SDK's sink server and waits for it. */
  static void run(List<String> args) throws Exception {
    SdkServerOptions options = SdkServerOptions.parse(args, "udsink", "sinker-server-info",
        Set.of("out", "failure-fraction", "fallback-fraction"));
    String out = options.option("out", null);
    if (out == null) {
      throw new IllegalArgumentException("--out FILE is required (the file the sink appends to)");
    }
    Path file = Path.of(out).toAbsolutePath();
    double failure = fraction(options, "failure-fraction");
    double fallback = fraction(options, "fallback-fraction");
    options.createServerInfoDirectory();
    var config = GRPCConfig.newBuilder();
    options.configure(SdkServer.DEFAULT_PORT, config::isLocal, config::port, config::socketPath, config::infoFilePath);
    Server server = new Server(new FileSinker(file, failure, fallback), config.build());
    SdkServer.serve(SdkServer.of(server::start, server::awaitTermination, server::stop, null),
        "udsink numaflow-sdk-file listening on " + options.address(SdkServer.DEFAULT_PORT, "/var/run/numaflow/sink.sock")
            + " out=" + file + " failure-fraction=" + failure + " fallback-fraction=" + fallback);
  }

  /** The own option {@code name} as a fraction in [0, 1], or 0 when not given. */
  private static double fraction(SdkServerOptions options, String name) {
    String text = options.option(name, "0");
    try {
      double f = Double.parseDouble(text);
      if (f >= 0 && f <= 1) {
        return f;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--" + name + " '" + text + "' is not a number between 0 and 1");
  }
}
