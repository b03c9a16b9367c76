package io.flowmesh.runtime.service;

import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.KeyCatalog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The keys of every Flowmesh service, so that each one can ignore the others' keys and warn about
 * what no service reads. The runtime cannot see the service modules, so the service keys are
 * listed in {@code service-keys.txt} next to this class; each service's tests compare its section
 * with its real keys ({@link #differences}), so the list cannot drift from the code unnoticed.
 */
public final class KnownKeys {

  /** Each service kind and the namespaces it owns besides the common ones ({@link CommonKeys#NAMESPACES}). */
  public static final Map<String, Set<String>> NAMESPACES = Map.of(
      "source", Set.of("source"),
      "map", Set.of("map", "udf"),
      "sink", Set.of("sink"),
      "console", Set.of("console"));

  private static final Map<String, Set<String>> BY_SERVICE = load();

  private KnownKeys() {
  }

  /** The keys of every service other than {@code kind}, common keys included. */
  public static Set<String> otherThan(String kind) {
    Set<String> out = new TreeSet<>();
    BY_SERVICE.forEach((service, keys) -> {
      if (!service.equals(kind)) {
        out.addAll(keys);
      }
    });
    CommonKeys.keys().forEach(k -> out.add(k.name()));
    return out;
  }

  /** The program a service kind runs as, as messages name it: {@code map-service}, {@code console}. */
  public static String program(String kind) {
    return kind.equals("console") ? "console" : kind + "-service";
  }

  /**
   * The keys of every service other than {@code kind}, common keys included, each with who reads
   * it: {@code sink.path} to {@code sink-service}, a common key (for the console) to {@code
   * source-service, map-service and sink-service}.
   */
  public static Map<String, String> readersOtherThan(String kind) {
    Map<String, List<String>> readers = new TreeMap<>();
    BY_SERVICE.forEach((service, keys) -> {
      if (!service.equals(kind)) {
        keys.forEach(k -> readers.computeIfAbsent(k, x -> new ArrayList<>()).add(program(service)));
      }
    });
    for (String vertex : List.of("source", "map", "sink")) {
      if (!vertex.equals(kind)) {
        CommonKeys.keys().forEach(k -> readers.computeIfAbsent(k.name(), x -> new ArrayList<>()).add(program(vertex)));
      }
    }
    Map<String, String> out = new TreeMap<>();
    readers.forEach((k, who) -> out.put(k, who.size() == 1 ? who.get(0)
        : String.join(", ", who.subList(0, who.size() - 1)) + " and " + who.get(who.size() - 1)));
    return Collections.unmodifiableMap(out);
  }

  /** The keys listed for {@code kind}. */
  public static Set<String> of(String kind) {
    return BY_SERVICE.getOrDefault(kind, Set.of());
  }

  /**
   * Where the list disagrees with a service's real keys and namespaces, one line each; empty when
   * they agree.
   */
  public static List<String> differences(String kind, Set<String> namespaces, List<ConfigKey<?>> ownKeys) {
    List<String> out = new ArrayList<>();
    if (!namespaces.equals(NAMESPACES.get(kind))) {
      out.add(kind + " owns namespaces " + new TreeSet<>(namespaces) + " but KnownKeys.NAMESPACES says " + NAMESPACES.get(kind));
    }
    Set<String> real = new TreeSet<>();
    ownKeys.forEach(k -> real.add(k.name()));
    for (String k : real) {
      if (!of(kind).contains(k)) {
        out.add(kind + " reads " + k + " but service-keys.txt does not list it under [" + kind + "]");
      }
      if (!namespaces.contains(KeyCatalog.namespace(k))) {
        out.add(kind + " reads " + k + " outside its namespaces " + new TreeSet<>(namespaces));
      }
    }
    for (String k : of(kind)) {
      if (!real.contains(k)) {
        out.add("service-keys.txt lists " + k + " under [" + kind + "] but " + kind + " has no such key");
      }
    }
    return out;
  }

  private static Map<String, Set<String>> load() {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    try (InputStream in = KnownKeys.class.getResourceAsStream("service-keys.txt")) {
      if (in == null) {
        throw new IllegalStateException("service-keys.txt missing from the runtime jar");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      Set<String> current = null;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
          continue;
        }
        if (t.startsWith("[") && t.endsWith("]")) {
          current = out.computeIfAbsent(t.substring(1, t.length() - 1), s -> new TreeSet<>());
        } else if (current != null) {
          current.add(t);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.replaceAll((k, v) -> Collections.unmodifiableSet(v));
    return Collections.unmodifiableMap(out);
  }
}
