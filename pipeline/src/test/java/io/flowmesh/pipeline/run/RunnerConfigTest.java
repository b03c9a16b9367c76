package io.flowmesh.pipeline.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.config.Types;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The config file the runner writes for a process is read back by the services' own loader exactly:
 * a prefix key whose suffix is a vertex name with '-' and '.', values with quotes and colons; the
 * edge token stays out of the file.
 */
class RunnerConfigTest {

  @Test
  void theServicesReadTheWrittenSettingsBackExactly(@TempDir Path dir) throws IOException {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("vertex.name", "even-or-odd");
    settings.put("map.upstream.in-1.a", "127.0.0.1:7001,127.0.0.1:7002");
    settings.put("map.edge.condition.odd-sink", "not:even,zero");
    settings.put("udf.address", "tcp://127.0.0.1:50051");
    settings.put("sink.path", "it's: here");
    settings.put("edge.token", "secret");
    Path file = dir.resolve("p.yaml");
    ServiceCommand.writeConfig(file, settings);
    assertFalse(Files.readString(file).contains("secret"), "the token goes by the environment");

    ConfigKey<String> upstream = ConfigKey.prefix("map.upstream.", "test", Map.of());
    ConfigKey<String> condition = ConfigKey.prefix("map.edge.condition.", "test", Map.of());
    ConfigKey<String> name = ConfigKey.of("vertex.name", "map", Types.STRING, "test");
    ConfigKey<String> udf = ConfigKey.of("udf.address", null, Types.STRING, "test");
    ConfigKey<String> path = ConfigKey.of("sink.path", null, Types.STRING, "test");
    Settings s = Settings.load(List.of(upstream, condition, name, udf, path), Set.of("map", "udf", "sink", "vertex"),
        new String[] {"--config", file.toString()}, Map.of());
    assertEquals(List.of(), s.problems());
    assertEquals(Map.of("in-1.a", "127.0.0.1:7001,127.0.0.1:7002"), s.prefixed(upstream));
    assertEquals(Map.of("odd-sink", "not:even,zero"), s.prefixed(condition));
    assertEquals("even-or-odd", s.get(name));
    assertEquals("tcp://127.0.0.1:50051", s.get(udf));
    assertEquals("it's: here", s.get(path));
  }
}
