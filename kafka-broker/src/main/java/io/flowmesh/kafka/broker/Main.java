package io.flowmesh.kafka.broker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a local broker until SIGTERM or Ctrl-C: {@code --dir DIR --port 9092 --controller-port 9093
 * [--topic NAME:PARTITIONS]...}. Used by {@code scripts/kafka-local.sh}.
 */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(".run/kafka");
    int port = 9092;
    int controllerPort = 9093;
    List<String> topics = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        System.out.println("usage: --dir DIR --port PORT --controller-port PORT [--topic NAME:PARTITIONS]...");
        return;
      }
      if (i + 1 >= args.length) {
        fail("option " + a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--dir" -> dir = Path.of(v);
        case "--port" -> port = Integer.parseInt(v);
        case "--controller-port" -> controllerPort = Integer.parseInt(v);
        case "--topic" -> topics.add(v);
        default -> fail("unknown option " + a + " (see --help)");
      }
    }
    KafkaBroker broker = KafkaBroker.onPorts(dir, port, controllerPort);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        broker.stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    broker.start();
    try (Topics admin = new Topics(broker.bootstrapServers())) {
      for (String t : topics) {
        int colon = t.lastIndexOf(':');
        String name = colon < 0 ? t : t.substring(0, colon);
        int partitions = colon < 0 ? 1 : Integer.parseInt(t.substring(colon + 1));
        admin.create(name, partitions);
        System.out.println("kafka-local: topic " + name + " (" + partitions + " partitions)");
      }
    }
    System.out.println("kafka-local: broker at " + broker.bootstrapServers() + ", data in " + dir + ", log " + broker.logFile()
        + "; Ctrl-C stops it");
    while (broker.isRunning()) {
      Thread.sleep(1000);
    }
  }

  private static void fail(String message) {
    System.err.println("kafka-local: " + message);
    System.exit(2);
  }
}
