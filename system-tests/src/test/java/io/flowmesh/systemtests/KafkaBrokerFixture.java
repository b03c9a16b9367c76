package io.flowmesh.systemtests;

import io.flowmesh.kafka.broker.KafkaBroker;
import io.flowmesh.runtime.testing.PortFinder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Kafka broker (KRaft, its own JVM, free ports) for a test class: started before the
 * first test, stopped after the last. Register it as a static {@code @RegisterExtension} field.
 * Its data and log are in a temporary directory, deleted afterwards.
 */
final class KafkaBrokerFixture implements BeforeAllCallback, AfterAllCallback {

  private Path dir;
  private KafkaBroker broker;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    ProcessReaper.install(); // the broker's JVM is a child of this one: killed if the test JVM dies
    dir = Files.createTempDirectory("flowmesh-kafka-");
    broker = KafkaBroker.onPorts(dir, PortFinder.freePort(), PortFinder.freePort()).start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (broker != null) {
      broker.stop();
    }
    if (dir != null) {
      deleteTree(dir);
    }
  }

  KafkaBroker broker() {
    return broker;
  }

  String bootstrap() {
    return broker.bootstrapServers();
  }

  private static void deleteTree(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
