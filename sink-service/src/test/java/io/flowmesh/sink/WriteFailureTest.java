package io.flowmesh.sink;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.service.Readiness;
import io.flowmesh.runtime.testing.OnLoop;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WriteFailureTest {

  private final Pipeline pipeline = new Pipeline();

  @AfterEach
  void stop() {
    pipeline.close();
  }

  @Test
  void aFailingFileMakesTheSinkNotReadyNamingTheErrorAndNothingIsAcked() throws Exception {
    assumeTrue(Files.isWritable(Path.of("/dev/full")), "needs /dev/full (every write fails with ENOSPC)");
    Launched source = pipeline.source("--source.count=500", "--edge.nack-backoff=50ms");
    Launched sink = pipeline.sink(Pipeline.edgePort(source), "--sink.type=file", "--sink.path=/dev/full",
        "--sink.retry-backoff=100ms");
    until(() -> Pipeline.status(source).getJsonObject("edge").getLong("redelivered") > 500, 20_000,
        () -> "nacked messages redelivered: " + Pipeline.status(source).getJsonObject("edge").encode());
    Readiness r = OnLoop.await(sink.vertex().readiness(), 5000);
    assertFalse(r.ready());
    assertTrue(r.reason().contains("/dev/full") && r.reason().contains("failing"), r.reason());
    assertEquals(0, Pipeline.status(source).getLong("acked"), "nothing is acked that was not written");
    assertEquals(0, Pipeline.status(sink).getLong("written"));
    assertTrue(sink.registry().get("flowmesh.sink.write.errors").counter().count() > 0);
  }
}
