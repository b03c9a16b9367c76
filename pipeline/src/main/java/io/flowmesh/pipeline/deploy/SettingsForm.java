package io.flowmesh.pipeline.deploy;

import io.flowmesh.pipeline.spec.VertexKind;
import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.service.CommonKeys;
import io.flowmesh.runtime.service.KnownKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a container gets its settings: as environment variables ({@code FLOWMESH_<KEY>}, the
 * services' usual form) where the variable reads back as the same key, else as command-line flags
 * ({@code --key=value}). A key under a prefix key reads back from the environment with its suffix
 * lower-cased and every {@code _} taken for a dot, so {@code map.edge.condition.even-sink} would
 * come back as {@code map.edge.condition.even.sink}: such keys go as flags (flags win over the
 * environment in the services, so the two forms never contradict).
 *
 * @param env variable to value, in the settings' order
 * @param flags {@code --key=value}, in the settings' order
 */
public record SettingsForm(Map<String, String> env, List<String> flags) {

  public SettingsForm {
    env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
    flags = List.copyOf(flags);
  }

  /** {@code settings} of a {@code kind} service split into variables and flags. */
  public static SettingsForm of(VertexKind kind, Map<String, String> settings) {
    Set<String> exact = new TreeSet<>(KnownKeys.of(kind.service()));
    CommonKeys.keys().forEach(k -> exact.add(k.name()));
    exact.add(CommonKeys.vertexName(kind.service()).name());
    Map<String, String> env = new LinkedHashMap<>();
    List<String> flags = new ArrayList<>();
    settings.forEach((key, value) -> {
      if (readsBack(key, exact)) {
        env.put(ConfigKey.envName(key), value);
      } else {
        flags.add("--" + key + "=" + value);
      }
    });
    return new SettingsForm(env, flags);
  }

  /** Whether the variable of {@code key} is read back as {@code key}: a key of its own, or a suffix of a prefix key in lower case, digits and dots. */
  static boolean readsBack(String key, Set<String> known) {
    if (known.contains(key) && !key.endsWith(".")) {
      return true;
    }
    String prefix = null;
    for (String k : known) {
      if (k.endsWith(".") && key.startsWith(k) && (prefix == null || k.length() > prefix.length())) {
        prefix = k;
      }
    }
    return prefix != null && key.substring(prefix.length()).matches("[a-z0-9.]+");
  }
}
