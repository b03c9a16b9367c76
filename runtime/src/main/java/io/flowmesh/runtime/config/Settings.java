package io.flowmesh.runtime.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The raw configuration of one service, merged from four layers — defaults in the jar, a YAML
 * file given with {@code --config}, the environment ({@code FLOWMESH_…}), command-line flags —
 * each layer winning over the ones before it, and then parsed key by key.
 *
 * <p>A service owns some namespaces (the first segment of a key: {@code map}, {@code udf}, and
 * the shared ones such as {@code edge}); a key in one of them that the service does not know is an
 * error, while keys of other namespaces (another service's) are ignored, so one environment or
 * one YAML file can configure every service. A flag always names this service's key.
 *
 * <p>Parsing never stops at the first problem: {@link #get} records it and returns the default,
 * and {@link #check()} reports every problem at once.
 */
public final class Settings {

  /** Where a value came from. */
  public enum Source { DEFAULT, FILE, ENV, FLAG }

  private final Map<String, ConfigKey<?>> keys = new LinkedHashMap<>();
  private final Map<String, String> values = new LinkedHashMap<>();
  private final Map<String, Source> sources = new LinkedHashMap<>();
  private final List<String> problems = new ArrayList<>();

  private Settings(List<ConfigKey<?>> keys) {
    for (ConfigKey<?> k : keys) {
      this.keys.put(k.name(), k);
      if (k.defaultValue() != null) {
        values.put(k.name(), k.defaultValue());
        sources.put(k.name(), Source.DEFAULT);
      }
    }
  }

  /**
   * Merges the layers. Problems (unreadable file, unknown keys, a flag without a value) are
   * recorded for {@link #check()}.
   *
   * @param keys every key the service reads
   * @param namespaces the first key segments the service owns
   * @param args the command line; {@code --config FILE} names the YAML file
   * @param env the environment
   */
  public static Settings load(List<ConfigKey<?>> keys, Set<String> namespaces, String[] args, Map<String, String> env) {
    Settings s = new Settings(keys);
    Map<String, String> flags = s.parseFlags(args);
    String file = flags.remove("config");
    if (file == null) {
      file = env.get("FLOWMESH_CONFIG");
    }
    if (file != null && !file.isBlank()) {
      s.loadFile(Path.of(file), namespaces);
    }
    s.loadEnv(env, namespaces);
    for (Map.Entry<String, String> e : flags.entrySet()) {
      if (!s.keys.containsKey(e.getKey())) {
        s.problems.add("unknown flag --" + e.getKey() + ": this service has no key '" + e.getKey() + "' (see --help)");
      } else {
        s.put(e.getKey(), e.getValue(), Source.FLAG);
      }
    }
    return s;
  }

  private Map<String, String> parseFlags(String[] args) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || a.length() == 2) {
        problems.add("unexpected argument '" + a + "': flags look like --key=value or --key value");
        continue;
      }
      String body = a.substring(2);
      int eq = body.indexOf('=');
      if (eq >= 0) {
        flags.put(body.substring(0, eq), body.substring(eq + 1));
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        flags.put(body, args[++i]);
      } else {
        problems.add("flag --" + body + " has no value");
      }
    }
    return flags;
  }

  private void loadFile(Path path, Set<String> namespaces) {
    Object root;
    try (Reader r = Files.newBufferedReader(path)) {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
    } catch (IOException e) {
      problems.add("config file " + path + " cannot be read: " + e.getMessage());
      return;
    } catch (RuntimeException e) {
      problems.add("config file " + path + " is not valid YAML: " + e.getMessage().replace('\n', ' '));
      return;
    }
    if (root == null) {
      return;
    }
    if (!(root instanceof Map)) {
      problems.add("config file " + path + " must hold a mapping of keys to values");
      return;
    }
    Map<String, String> flat = new TreeMap<>();
    flatten("", (Map<?, ?>) root, flat);
    for (Map.Entry<String, String> e : flat.entrySet()) {
      String key = e.getKey();
      if (keys.containsKey(key)) {
        put(key, e.getValue(), Source.FILE);
      } else if (namespaces.contains(namespace(key))) {
        problems.add("unknown key '" + key + "' in " + path);
      }
    }
  }

  private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = prefix + e.getKey();
      Object v = e.getValue();
      if (v instanceof Map) {
        flatten(key + ".", (Map<?, ?>) v, out);
      } else {
        out.put(key, v == null ? "" : v instanceof List ? String.join(",", ((List<?>) v).stream().map(String::valueOf).toList()) : String.valueOf(v));
      }
    }
  }

  private void loadEnv(Map<String, String> env, Set<String> namespaces) {
    Map<String, String> byEnvName = new LinkedHashMap<>();
    for (ConfigKey<?> k : keys.values()) {
      byEnvName.put(k.envName(), k.name());
    }
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String name = e.getKey();
      if (!name.startsWith("FLOWMESH_") || name.equals("FLOWMESH_CONFIG")) {
        continue;
      }
      String key = byEnvName.get(name);
      if (key != null) {
        put(key, e.getValue(), Source.ENV);
        continue;
      }
      for (String ns : namespaces) {
        if (name.startsWith("FLOWMESH_" + ns.toUpperCase(Locale.ROOT).replace('-', '_') + "_")) {
          problems.add("unknown environment variable " + name + ": no " + ns + ".* key has that name");
          break;
        }
      }
    }
  }

  private void put(String key, String value, Source source) {
    values.put(key, value);
    sources.put(key, source);
  }

  private static String namespace(String key) {
    int dot = key.indexOf('.');
    return dot < 0 ? key : key.substring(0, dot);
  }

  /**
   * The parsed value of {@code key}, or null when it is optional and unset. A bad value is
   * recorded as a problem naming the key, the value and what is allowed; the default is returned.
   */
  public <T> T get(ConfigKey<T> key) {
    if (!keys.containsKey(key.name())) {
      throw new IllegalArgumentException("key not registered with this service: " + key.name());
    }
    String text = values.get(key.name());
    if (text == null) {
      return null;
    }
    try {
      return key.type().parse(text);
    } catch (IllegalArgumentException e) {
      problems.add(describe(key, text) + ": allowed is " + key.type().allowed());
      return key.defaultValue() == null ? null : key.type().parse(key.defaultValue());
    }
  }

  /** Records a problem found by a check across keys (e.g. one must be less than another). */
  public void problem(ConfigKey<?> key, String what) {
    problems.add(describe(key, values.get(key.name())) + ": " + what);
  }

  /** Records a problem found by a check of a derived value, as one full line naming the key. */
  public void problem(String line) {
    problems.add(line);
  }

  private String describe(ConfigKey<?> key, String text) {
    Source src = sources.get(key.name());
    String from = src == Source.ENV ? " (from " + key.envName() + ")" : src == Source.FLAG ? " (from --" + key.name() + ")" : src == Source.FILE ? " (from the config file)" : "";
    return key.name() + "=" + (isSecret(key.name()) ? "***" : "'" + text + "'") + from;
  }

  /** Throws when anything was wrong; the exception lists every problem. */
  public void check() throws ConfigException {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  /** The problems found so far. */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  /** Every set key with its value (secrets masked), for /status and the start-up log. */
  public Map<String, String> effective() {
    Map<String, String> out = new TreeMap<>();
    values.forEach((k, v) -> out.put(k, isSecret(k) && !v.isEmpty() ? "***" : v));
    return out;
  }

  /** Where each set key's value came from. */
  public Source source(ConfigKey<?> key) {
    return sources.get(key.name());
  }

  private static boolean isSecret(String key) {
    return key.endsWith("token") || key.endsWith("password");
  }

  /** A Markdown table of every key: name, default, environment variable, what it allows, meaning. */
  public static String markdown(List<ConfigKey<?>> keys) {
    StringBuilder b = new StringBuilder("| key | default | environment | allowed | meaning |\n|---|---|---|---|---|\n");
    for (ConfigKey<?> k : keys) {
      b.append("| `").append(k.name()).append("` | ").append(k.defaultValue() == null ? "(unset)" : "`" + k.defaultValue() + "`")
          .append(" | `").append(k.envName()).append("` | ").append(cell(k.type().allowed())).append(" | ")
          .append(cell(k.description())).append(" |\n");
    }
    return b.toString();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** A help text: every key, its default, its environment name and what it allows. */
  public static String help(List<ConfigKey<?>> keys) {
    StringBuilder b = new StringBuilder();
    for (ConfigKey<?> k : keys) {
      b.append(String.format("  --%-28s %s%n      default: %s; env: %s; allowed: %s%n",
          k.name(), k.description(), k.defaultValue() == null ? "(unset)" : "'" + k.defaultValue() + "'",
          k.envName(), k.type().allowed()));
    }
    return b.toString();
  }
}
