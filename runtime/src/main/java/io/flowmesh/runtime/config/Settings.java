package io.flowmesh.runtime.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The raw configuration of one service, merged from four layers — defaults in the jar, a YAML
 * file given with {@code --config}, the environment ({@code FLOWMESH_…}), command-line flags —
 * each layer winning over the ones before it, and then parsed key by key.
 *
 * <p>A service owns some namespaces (the first segment of a key: {@code map}, {@code udf}, and
 * the shared ones such as {@code edge}); a key in one of them that the service does not know is an
 * error. Another service's key is ignored in the environment and the file, so one environment or
 * one YAML file can configure every service, but refused as a flag, which is addressed to this
 * process alone (see {@link #load(List, Set, String, Map, String[], Map)}).
 *
 * <p>A prefix key ({@link ConfigKey#prefix}, e.g. {@code source.kafka.client.}) takes any key under
 * it from every layer, each full key on its own ({@code --source.kafka.client.sasl.mechanism=PLAIN}
 * beats {@code FLOWMESH_SOURCE_KAFKA_CLIENT_SASL_MECHANISM}); {@link #prefixed} gives them as a map
 * of property to value.
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
  private final Map<String, Object> parsed = new HashMap<>();
  /** What another service reads, as given ({@code FLOWMESH_SINK_PATH}), to who reads it ({@code sink-service}, or null). */
  private final Map<String, String> ignored = new LinkedHashMap<>();
  private final List<String> unread = new ArrayList<>();
  private final Map<String, String> notes = new HashMap<>();

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
   * Merges the layers, knowing only this service's keys: a key in a namespace the service does not
   * own counts as no service's.
   *
   * @see #load(List, Set, String, Map, String[], Map)
   */
  public static Settings load(List<ConfigKey<?>> keys, Set<String> namespaces, String[] args, Map<String, String> env) {
    return load(keys, namespaces, Set.of(), args, env);
  }

  /**
   * Merges the layers, knowing the other services' keys but not who reads each: as {@link
   * #load(List, Set, String, Map, String[], Map)}, messages say "another service" and "this service".
   */
  public static Settings load(List<ConfigKey<?>> keys, Set<String> namespaces, Set<String> otherKeys, String[] args,
      Map<String, String> env) {
    Settings s = new Settings(keys);
    return s.load(new KeyCatalog(s.keys.keySet(), namespaces, otherKeys), null, args, env);
  }

  /**
   * Merges the layers. Problems (unreadable file, unknown keys, a flag without a value, a flag of
   * another service) are recorded for {@link #check()}; what another service reads is listed in
   * {@link #ignored()}, what no service reads in {@link #unread()}.
   *
   * <p>This service's key is used in every layer, and an unknown key in a namespace the service
   * owns is an error in every layer. The environment and the file may be shared by several services
   * ({@code scripts/run-local.sh} exports one environment, {@code FLOWMESH_CONFIG} in it names one
   * file for all): there another service's key is ignored, and a key in another service's namespace
   * that it does not have, or in no known namespace, is a warning here (the service owning that
   * namespace reports it as an error). A flag is addressed to this process: another service's key
   * or a key no service has is an error there, naming who reads it.
   *
   * @param keys every key the service reads
   * @param namespaces the first key segments the service owns
   * @param program this service as messages name it ({@code map-service})
   * @param otherKeys the key names of every other service, each with who reads it ({@code sink-service})
   * @param args the command line; {@code --config FILE} names the YAML file
   * @param env the environment
   */
  public static Settings load(List<ConfigKey<?>> keys, Set<String> namespaces, String program, Map<String, String> otherKeys,
      String[] args, Map<String, String> env) {
    Settings s = new Settings(keys);
    return s.load(new KeyCatalog(s.keys.keySet(), namespaces, otherKeys), program, args, env);
  }

  private Settings load(KeyCatalog catalog, String program, String[] args, Map<String, String> env) {
    Map<String, String> flags = CommandLineFlags.parse(args, this::addProblem);
    String file = flags.remove("config");
    if (file == null) {
      file = env.get("FLOWMESH_CONFIG");
    }
    if (file != null && !file.isBlank()) {
      loadFile(Path.of(file), catalog);
    }
    loadEnv(env, catalog);
    for (Map.Entry<String, String> e : flags.entrySet()) {
      String key = e.getKey();
      switch (catalog.classify(key)) {
        case OWN -> put(key, e.getValue(), Source.FLAG);
        case OTHER_SERVICE -> {
          String reader = catalog.reader(key);
          addProblem("--" + key + " is " + (reader == null ? "another service's key" : "a " + reader + " key")
              + (program == null ? "; this service does not read it" : "; this is " + program));
        }
        case UNKNOWN_IN_OWN_NAMESPACE -> addProblem("unknown flag --" + key + ": this service has no key '" + key + "'"
            + flagHint(catalog, key));
        case UNKNOWN_IN_OTHER_NAMESPACE, NO_NAMESPACE -> addProblem("unknown flag --" + key + ": no Flowmesh service has a key '"
            + key + "'" + flagHint(catalog, key));
        default -> throw new IllegalStateException();
      }
    }
    return this;
  }

  /** The suggestion for a flag no key of this service matches, saying whose key it is when it is another service's. */
  private static String flagHint(KeyCatalog catalog, String key) {
    String suggestion = catalog.suggestKey(key);
    if (suggestion == null) {
      return " (see --help)";
    }
    String reader = catalog.classify(suggestion) == KeyCatalog.Kind.OTHER_SERVICE ? catalog.reader(suggestion) : null;
    return reader == null ? hint(suggestion, "--") : " (did you mean --" + suggestion + ", a " + reader + " key?)";
  }

  private static String hint(String suggestion, String prefix) {
    return suggestion == null ? "" : " (did you mean " + prefix + suggestion + "?)";
  }

  private void loadFile(Path path, KeyCatalog catalog) {
    for (Map.Entry<String, String> e : ConfigFile.read(path, this::addProblem).entrySet()) {
      String key = e.getKey();
      String hint = hint(catalog.suggestKey(key), "");
      switch (catalog.classify(key)) {
        case OWN -> put(key, e.getValue(), Source.FILE);
        case OTHER_SERVICE -> ignored.put("'" + key + "' in " + path, catalog.reader(key));
        case UNKNOWN_IN_OWN_NAMESPACE -> addProblem("unknown key '" + key + "' in " + path + hint);
        default -> unread.add("'" + key + "' in " + path + hint);
      }
    }
  }

  private void loadEnv(Map<String, String> env, KeyCatalog catalog) {
    Map<String, String> byEnvName = new LinkedHashMap<>();
    List<ConfigKey<?>> prefixes = new ArrayList<>();
    for (ConfigKey<?> k : keys.values()) {
      if (k.isPrefix()) {
        prefixes.add(k);
      } else {
        byEnvName.put(k.envName(), k.name());
      }
    }
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String name = e.getKey();
      if (!name.startsWith("FLOWMESH_") || name.equals("FLOWMESH_CONFIG")) {
        continue;
      }
      String key = byEnvName.get(name);
      for (int i = 0; key == null && i < prefixes.size(); i++) {
        key = prefixes.get(i).keyOfEnv(name);
      }
      if (key != null) {
        put(key, e.getValue(), Source.ENV);
        continue;
      }
      String hint = hint(catalog.suggestEnv(name), "");
      switch (catalog.classifyEnv(name)) {
        case OTHER_SERVICE -> ignored.put(name, catalog.readerOfEnv(name));
        case UNKNOWN_IN_OWN_NAMESPACE -> addProblem("unknown environment variable " + name + ": no "
            + catalog.ownNamespaceOfEnv(name) + ".* key has that name" + hint);
        default -> unread.add(name + hint);
      }
    }
  }

  private void put(String key, String value, Source source) {
    ConfigKey<?> k = keys.get(key);
    if (k != null && k.isPrefix()) {
      addProblem(key + " needs a property name after it, e.g. " + key + "client.id");
      return;
    }
    values.put(key, value);
    sources.put(key, source);
  }

  /** Records a problem once: the same line found twice (a key read twice, a check repeated) is one problem. */
  private void addProblem(String line) {
    if (!problems.contains(line)) {
      problems.add(line);
    }
  }

  /**
   * What another service reads and this one ignores, as given: {@code FLOWMESH_MAP_MODE},
   * {@code 'map.mode' in FILE} (never a flag: another service's flag is a problem).
   */
  public List<String> ignored() {
    return List.copyOf(ignored.keySet());
  }

  /**
   * {@link #ignored()} by who reads it, in order of first appearance: {@code sink-service} to
   * {@code ['sink.path' in FILE, FLOWMESH_SINK_TYPE]}; {@code another service} for what the load
   * was not told the reader of.
   */
  public Map<String, List<String>> ignoredByReader() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    ignored.forEach((what, reader) -> out.computeIfAbsent(reader == null ? "another service" : reader, r -> new ArrayList<>()).add(what));
    out.replaceAll((reader, what) -> List.copyOf(what));
    return Collections.unmodifiableMap(out);
  }

  /**
   * What no service reads, from the environment or the file, each with a suggestion when a known
   * key is close: {@code FLOWMESH_SORCE_RATE (did you mean FLOWMESH_SOURCE_RATE?)}.
   */
  public List<String> unread() {
    return List.copyOf(unread);
  }

  /**
   * The parsed value of {@code key}, or null when it is optional and unset. A bad value is
   * recorded as a problem naming the key, the value and what is allowed; the default is returned.
   * A key is parsed once: reading it again returns the same value and records nothing more.
   */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    if (!keys.containsKey(key.name())) {
      throw new IllegalArgumentException("key not registered with this service: " + key.name());
    }
    if (key.isPrefix()) {
      throw new IllegalArgumentException("a prefix key is read with prefixed(): " + key.name());
    }
    if (parsed.containsKey(key.name())) {
      return (T) parsed.get(key.name());
    }
    String text = values.get(key.name());
    T value;
    if (text == null) {
      value = null;
    } else {
      try {
        value = key.type().parse(text);
      } catch (IllegalArgumentException e) {
        addProblem(describe(key.name(), text) + ": " + e.getMessage());
        String fallback = keys.get(key.name()).defaultValue(); // the service's own default of a shared key
        value = fallback == null ? null : key.type().parse(fallback);
      }
    }
    parsed.put(key.name(), value);
    return value;
  }

  /**
   * The properties set under a prefix key, property (the part after the prefix) to value, sorted.
   * A reserved property is left out and recorded as a problem (in name order) naming the key and
   * what to use instead. The map is unmodifiable, and its {@code toString} masks the secrets ({@link Secrets}).
   */
  public Map<String, String> prefixed(ConfigKey<String> prefix) {
    if (!prefix.isPrefix() || keys.get(prefix.name()) != prefix) {
      throw new IllegalArgumentException("not a prefix key of this service: " + prefix.name());
    }
    Map<String, String> out = new TreeMap<>();
    new TreeMap<>(values).forEach((key, value) -> { // in name order, so the problems are too
      if (key.startsWith(prefix.name()) && key.length() > prefix.name().length()) {
        String property = key.substring(prefix.name().length());
        String instead = prefix.reserved().get(property);
        if (instead != null) {
          addProblem(describe(key, value) + ": Flowmesh sets " + property + " itself; " + instead);
        } else {
          out.put(property, value);
        }
      }
    });
    return Secrets.maskedWhenPrinted(out);
  }

  /** Records a problem found by a check across keys (e.g. one must be less than another). */
  public void problem(ConfigKey<?> key, String what) {
    addProblem(describe(key.name(), values.get(key.name())) + ": " + what);
  }

  /**
   * Records a problem between two keys as one line naming both, each with its value and where it
   * came from: {@code a='10s' (from --a) is above b='1s' (from FLOWMESH_B): why}.
   *
   * @param relation how {@code key}'s value stands to {@code other}'s, e.g. {@code "is above"}
   */
  public void problem(ConfigKey<?> key, String relation, ConfigKey<?> other, String why) {
    addProblem(describe(key.name(), values.get(key.name())) + " " + relation + " " + describe(other.name(), values.get(other.name()))
        + ": " + why);
  }

  /** Records a problem found by a check of a derived value, as one full line naming the key. */
  public void problem(String line) {
    addProblem(line);
  }

  private String describe(String key, String text) {
    Source src = sources.get(key);
    String from = src == Source.ENV ? " (from " + ConfigKey.envName(key) + ")" : src == Source.FLAG ? " (from --" + key + ")" : src == Source.FILE ? " (from the config file)" : "";
    if (text == null) {
      return key + " (unset)";
    }
    return key + "=" + (isSecret(key) ? Secrets.MASK : "'" + text + "'") + from;
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
    values.forEach((k, v) -> out.put(k, isSecret(k) && !v.isEmpty() ? Secrets.MASK : v));
    return out;
  }

  /**
   * Records the value a service works out for a key left at its default, from other keys (e.g. the
   * allowed subscribers from the named edges), so that {@link #effective()} shows what is in use
   * rather than a default that is not. Where the value came from stays {@link Source#DEFAULT}.
   */
  public void derived(ConfigKey<?> key, String text) {
    derived(key, text, null);
  }

  /**
   * As {@link #derived(ConfigKey, String)}, saying why the value is not the default ({@code capped:
   * the default 20s is above source.serving.max-timeout=5s}), for {@link #notes()}; null for no note.
   */
  public void derived(ConfigKey<?> key, String text, String why) {
    if (sources.get(key.name()) != Source.DEFAULT) {
      throw new IllegalStateException(key.name() + " was set (" + sources.get(key.name()) + "): nothing to derive");
    }
    values.put(key.name(), text);
    if (why != null) {
      notes.put(key.name(), why);
    }
  }

  /** Why a derived key's value in {@link #effective()} is not its default, by key, sorted: for /status. */
  public Map<String, String> notes() {
    return Collections.unmodifiableMap(new TreeMap<>(notes));
  }

  /** Where each set key's value came from. */
  public Source source(ConfigKey<?> key) {
    return sources.get(key.name());
  }

  /** Whether a set key's value is a secret ({@link Secrets}); a key that is not one of ours exactly is under a prefix key. */
  private boolean isSecret(String key) {
    return Secrets.isSecret(key, !keys.containsKey(key));
  }
}
