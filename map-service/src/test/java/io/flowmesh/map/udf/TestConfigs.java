package io.flowmesh.map.udf;

import java.time.Duration;

/** Configs with short delays, so failure paths run in test time. */
final class TestConfigs {

  private TestConfigs() {
  }

  static UdfConfigBuilder fast(String address) {
    return UdfConfig.builder()
        .address(address)
        .timeout(Duration.ofSeconds(5))
        .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
        .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .stallTimeout(Duration.ofSeconds(30));
  }
}
