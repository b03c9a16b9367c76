package io.flowmesh.bench;

import java.util.Arrays;

/** {@code java -jar flowmesh-bench.jar <edge-upstream|edge-downstream> [options]}. */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: flowmesh-bench <edge-upstream PORT MSG_SIZE | edge-downstream HOST:PORT REPORT_FILE>");
      System.exit(2);
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "edge-upstream":
        EdgeBench.upstream(rest);
        break;
      case "edge-downstream":
        EdgeBench.downstream(rest);
        break;
      default:
        System.err.println("unknown driver: " + args[0]);
        System.exit(2);
    }
  }
}
