package io.flowmesh.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.flowmesh.runtime.config.ConfigException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every initial/max delay pair map-service reads: a first delay above its cap is refused in one line naming both keys. */
class MapBackoffKeysTest {

  private static List<String> problems(String... args) {
    return assertThrows(ConfigException.class, () -> new MapMain().launch(args, Map.of())).problems();
  }

  @Test
  void anEdgeRedialDelayAboveItsCapIsRefusedNamingBothKeys() {
    assertEquals(List.of("edge.reconnect-initial='10s' (from --edge.reconnect-initial) is above edge.reconnect-max='1s' "
        + "(from --edge.reconnect-max): the first redial delay must be at most the cap"),
        problems("--edge.reconnect-initial=10s", "--edge.reconnect-max=1s"));
  }

  @Test
  void udfRetryAndReconnectDelaysAboveTheirCapsAreRefusedNamingBothKeys() {
    assertEquals(List.of(
        "udf.reconnect.max-backoff='1s' (from --udf.reconnect.max-backoff): 1000ms is below udf.reconnect.initial-backoff "
            + "(10000ms): the cap must be at least the first delay",
        "udf.retry.max-backoff='1s' (from --udf.retry.max-backoff): 1000ms is below udf.retry.initial-backoff "
            + "(10000ms): the cap must be at least the first delay"),
        problems("--udf.retry.initial-backoff=10s", "--udf.retry.max-backoff=1s", "--udf.reconnect.initial-backoff=10s",
            "--udf.reconnect.max-backoff=1s"));
  }
}
