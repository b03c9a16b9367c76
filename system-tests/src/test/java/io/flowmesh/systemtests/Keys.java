package io.flowmesh.systemtests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration keys a service's jar really reads, from its {@code --help}: name, environment
 * variable and default. Read from the built jar, the one the Dockerfile copies into the image.
 */
final class Keys {

  /** One key as {@code --help} lists it; {@code defaultValue} is null when unset by default. */
  record Key(String name, String env, String defaultValue) {
  }

  private static final Pattern KEY_LINE = Pattern.compile("^\\s+--(\\S+)\\s");
  private static final Pattern DETAIL_LINE = Pattern.compile("^\\s+default: (?:'(.*)'|\\(unset\\)); env: (FLOWMESH_[A-Z0-9_]+);");
  private static final Map<Vertex, Map<String, Key>> CACHE = new ConcurrentHashMap<>();

  private Keys() {
  }

  /** {@code a.b-c} → {@code FLOWMESH_A_B_C}, the documented rule. */
  static String envName(String key) {
    return "FLOWMESH_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The service's keys by environment variable name. */
  static Map<String, Key> byEnv(Vertex vertex) {
    return CACHE.computeIfAbsent(vertex, Keys::load);
  }

  /** The key named {@code name} of this service; fails when there is none. */
  static Key key(Vertex vertex, String name) {
    return byEnv(vertex).values().stream().filter(k -> k.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(vertex + " has no key " + name));
  }

  private static Map<String, Key> load(Vertex vertex) {
    String help = help(vertex);
    Map<String, Key> keys = new LinkedHashMap<>();
    List<String> lines = help.lines().toList();
    for (int i = 0; i + 1 < lines.size(); i++) {
      Matcher k = KEY_LINE.matcher(lines.get(i));
      Matcher d = DETAIL_LINE.matcher(lines.get(i + 1));
      if (k.find() && d.find()) {
        keys.put(d.group(2), new Key(k.group(1), d.group(2), d.group(1)));
      }
    }
    if (keys.size() < 10) {
      throw new AssertionError("cannot read the keys of " + vertex + " from --help:\n" + help);
    }
    return keys;
  }

  private static String help(Vertex vertex) {
    List<String> command = new ArrayList<>(List.of(Project.java().toString(), "-jar", vertex.jar().toString(), "--help"));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      ProcessReaper.register(p);
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " failed:\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
