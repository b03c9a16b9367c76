package io.flowmesh.map.udf;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UdfConfigTest {

  @Test
  void theDefaultsAreValidAndMatchTheSdks() {
    UdfConfig c = UdfConfig.defaults();
    assertEquals(List.of(), UdfConfig.validate(c));
    assertEquals(64 * 1024 * 1024, c.connection().maxMessageSize());
    assertEquals("udf", c.connection().keys());
    assertEquals(UdfMode.UNARY, c.mode());
    assertEquals(OnFailure.RETRY_FOREVER, c.onFailure());
  }

  @Test
  void everyBadFieldGetsOneMessageNamingItsKey() {
    UdfConfig c = UdfConfig.builder()
        .address("http://x")
        .mode(null)
        .timeout(Duration.ZERO)
        .retryMaxAttempts(0)
        .retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1))
        .onFailure(null)
        .stallTimeout(Duration.ofSeconds(-1))
        .maxMessageSize(10)
        .reconnectBackoff(null, Duration.ofSeconds(1))
        .batchSize(0)
        .batchTimeout(Duration.ZERO)
        .serverInfoFile(" ")
        .serverInfoTimeout(Duration.ZERO)
        .build();
    List<String> problems = UdfConfig.validate(c);
    List<String> keys = List.of("udf.address", "udf.timeout", "udf.stall-timeout", "udf.max-message-size",
        "udf.reconnect.initial-backoff", "udf.server-info-file", "udf.server-info-timeout", // the connection's
        "map.mode", "udf.retry.max-attempts", "udf.retry.max-backoff", "udf.on-failure", "map.batch-size",
        "map.batch-timeout");
    assertEquals(keys.size(), problems.size(), "one message per bad field: " + problems);
    for (int i = 0; i < keys.size(); i++) {
      assertTrue(problems.get(i).startsWith(keys.get(i) + ":"), problems.get(i) + " should name " + keys.get(i));
    }
    assertTrue(problems.get(0).contains("http://x"), "the address message names the value");
  }

  @Test
  void mapProblemsLeavesTheConnectionsToItsOwnCheck() {
    UdfConfig c = UdfConfig.builder().address("http://x").batchSize(0).build();
    assertEquals(List.of("map.batch-size: 0 is not allowed; must be at least 1"), c.mapProblems());
    assertEquals(2, UdfConfig.validate(c).size(), UdfConfig.validate(c).toString());
  }

  @Test
  void toBuilderKeepsEveryField() {
    UdfConfig c = UdfConfig.builder().address("unix:///tmp/x.sock").batchSize(7)
        .serverInfoFile("/tmp/info").onFailure(OnFailure.DROP).timeout(Duration.ofSeconds(3)).build();
    assertEquals(c, c.toBuilder().build());
    assertEquals("unix:///tmp/x.sock", c.connection().address());
    assertEquals(Duration.ofSeconds(3), c.connection().timeout());
  }
}
