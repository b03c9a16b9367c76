package io.flowmesh.bench;

import io.flowmesh.bench.kafka.KafkaLoopBench;
import io.flowmesh.bench.kafka.KafkaPreload;
import java.util.Arrays;

/** {@code java -jar flowmesh-bench.jar <edge-upstream|edge-downstream|kafka-preload|kafka-loop|serving-load|udf-probe|alloc-breakdown> [options]}. */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: flowmesh-bench <edge-upstream PORT MSG_SIZE | edge-downstream HOST:PORT REPORT_FILE"
          + " | kafka-preload --bootstrap HOST:PORT --topic T --count N [--size 500]"
          + " | kafka-loop --bootstrap HOST:PORT --input T --output T --group G --http-port P [--client kafka-clients|vertx]"
          + " | serving-load --url URL --rate R --seconds S [--warmup W] [--connections C] [--method M] --out FILE"
          + " | udf-probe --address HOST:PORT --rate R --seconds S [--warmup W] [--size B]"
          + " | alloc-breakdown [--size B]>");
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
      case "kafka-preload":
        KafkaPreload.main(rest);
        break;
      case "kafka-loop":
        KafkaLoopBench.main(rest);
        break;
      case "serving-load":
        ServingLoad.main(rest);
        break;
      case "udf-probe":
        UdfProbe.main(rest);
        break;
      case "alloc-breakdown":
        AllocBreakdown.main(rest);
        break;
      default:
        System.err.println("unknown driver: " + args[0]);
        System.exit(2);
    }
  }
}
