package io.flowmesh.examples.numaflow;

import io.numaproj.numaflow.sourcer.GRPCConfig;
import io.numaproj.numaflow.sourcer.Server;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code java -jar numaflow-sdk-udf.jar source --records N [--state FILE] [--port P | --socket PATH]
 * [--server-info-file PATH]}: {@link NumberedSourcer} on the SDK's source server.
 */
final class NumberedSourceMain {

  static final String USAGE = "usage: java -jar numaflow-sdk-udf.jar source --records N [--state FILE] "
      + SdkServerOptions.LISTEN_USAGE;

  private NumberedSourceMain() {
  }

  static void run(List<String> args) throws Exception {
    SdkServerOptions options = SdkServerOptions.parse(args, "source", "sourcer-server-info", Set.of("records", "state"));
    long records = options.number("records", -1, 0, Long.MAX_VALUE);
    if (records < 0) {
      throw new IllegalArgumentException("--records N is required (N >= 0)");
    }
    String stateOption = options.option("state", null);
    Path state = stateOption == null ? null : Path.of(stateOption).toAbsolutePath();
    options.createServerInfoDirectory();
    var config = GRPCConfig.newBuilder();
    options.configure(SdkServer.DEFAULT_PORT, config::isLocal, config::port, config::socketPath, config::infoFilePath);
    NumberedSourcer sourcer = new NumberedSourcer(records, state);
    Server server = new Server(sourcer, config.build());
    SdkServer.serve(SdkServer.of(server::start, server::awaitTermination, server::stop, null),
        "udsource numaflow-sdk-numbered listening on " + options.address(SdkServer.DEFAULT_PORT, "/var/run/numaflow/source.sock")
            + " records=" + records + " acked-before=" + sourcer.acked() + (state == null ? "" : " state=" + state));
  }
}
