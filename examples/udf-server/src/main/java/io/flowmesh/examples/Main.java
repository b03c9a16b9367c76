package io.flowmesh.examples;

import io.flowmesh.udf.UdfArgs;
import io.flowmesh.udf.UdfMain;
import io.flowmesh.udf.UdfVersion;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs any example UDF from the shaded jar:
 * {@code java -jar flowmesh-udf.jar <name> [--address ADDRESS] [--mode MODE] [--server-info-file PATH] [options]};
 * with {@code --check}, the name and the options are checked and nothing is started (exit status 2
 * when one is bad, the first line naming what and, for an unknown name, the examples there are).
 */
public final class Main {

  /** The examples by name, in the order the usage line lists them. */
  static final Map<String, UdfMain.Setup> EXAMPLES = new LinkedHashMap<>();

  static {
    EXAMPLES.put("cat", Cat::configure);
    EXAMPLES.put("uppercase", Uppercase::configure);
    EXAMPLES.put("flatmap", FlatMap::configure);
    EXAMPLES.put("filter", Filter::configure);
    EXAMPLES.put("latency", Latency::configure);
    EXAMPLES.put("faulty", Faulty::configure);
    EXAMPLES.put("even-odd", EvenOdd::configure);
    EXAMPLES.put("words", Words::configure); // stream-map: run with --mode stream-map
  }

  private Main() {
  }

  /** The one-line usage. */
  static String usage() {
    return "usage: java -jar flowmesh-udf.jar <" + String.join("|", EXAMPLES.keySet()) + ">"
        + " [--address tcp://HOST:PORT|unix:///PATH] [--mode unary-map|batch-map|stream-map]"
        + " [--server-info-file PATH] [example options]";
  }

  public static void main(String[] args) {
    if (args.length > 0 && UdfArgs.wantsVersion(List.of(args[0]))) {
      String jar = UdfVersion.jarOf(Main.class);
      System.out.println("flowmesh-udf " + (jar == null ? "unknown" : jar) + " (flowmesh-udf-server " + UdfVersion.library() + ")");
      return;
    }
    if (args.length > 0 && UdfArgs.wantsHelp(List.of(args[0]))) {
      System.out.println("The example map UDFs of Flowmesh.\n" + usage() + "\n"
          + "java -jar flowmesh-udf.jar <name> --help lists the options of one example.");
      return;
    }
    if (args.length == 0 || !EXAMPLES.containsKey(args[0])) {
      String why = args.length == 0 ? "no UDF named" : "unknown UDF '" + args[0] + "'";
      System.err.println("flowmesh-udf: " + why + " (the examples: " + String.join(", ", EXAMPLES.keySet()) + ")");
      System.err.println(usage());
      System.exit(2);
    }
    UdfMain.run(args[0], Arrays.copyOfRange(args, 1, args.length), EXAMPLES.get(args[0]));
    // run() returns after printing --help or --version, or once the UDF listens (Vert.x keeps the JVM up).
  }
}
