package io.flowmesh.runtime.config;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * What one service owns and what every Flowmesh service knows, to tell apart the keys a layer
 * (flags, environment, file) names: this service's own, another service's (and which service reads
 * it), and mistakes. What each layer does with them is {@link Settings}'s. A key name ending in a
 * dot is a prefix key ({@link ConfigKey#prefix}): every key under it is that service's.
 */
public final class KeyCatalog {

  /** How a key name relates to this service and to every service. */
  public enum Kind {
    /** A key of this service. */
    OWN,
    /** In a namespace this service owns, but not one of its keys: a mistake this service reports. */
    UNKNOWN_IN_OWN_NAMESPACE,
    /** A key another service reads: ignored here. */
    OTHER_SERVICE,
    /** In another service's namespace but no key of it: that service reports it; here a warning. */
    UNKNOWN_IN_OTHER_NAMESPACE,
    /** In no namespace any service owns. */
    NO_NAMESPACE
  }

  private final Set<String> ownKeys;
  private final Set<String> ownNamespaces;
  private final Set<String> knownKeys = new HashSet<>();
  private final Set<String> knownNamespaces = new HashSet<>();
  private final Set<String> knownEnvNames = new HashSet<>();
  /** Each other service's key name to who reads it ({@code sink-service}); absent when not known. */
  private final Map<String, String> readers = new HashMap<>();

  /**
   * @param ownKeys this service's key names
   * @param ownNamespaces the first key segments this service owns (its own and the common ones)
   * @param knownKeys the key names of every service (this one's may be left out)
   */
  public KeyCatalog(Set<String> ownKeys, Set<String> ownNamespaces, Set<String> knownKeys) {
    this(ownKeys, ownNamespaces, withoutReaders(knownKeys));
  }

  /**
   * @param ownKeys this service's key names
   * @param ownNamespaces the first key segments this service owns (its own and the common ones)
   * @param otherKeys the key names of every other service, each with who reads it ({@code
   *     sink-service}), or with null when that is not known
   */
  public KeyCatalog(Set<String> ownKeys, Set<String> ownNamespaces, Map<String, String> otherKeys) {
    this.ownKeys = Set.copyOf(ownKeys);
    this.ownNamespaces = Set.copyOf(ownNamespaces);
    this.knownKeys.addAll(ownKeys);
    this.knownKeys.addAll(otherKeys.keySet());
    this.knownNamespaces.addAll(ownNamespaces);
    for (String k : this.knownKeys) {
      knownNamespaces.add(namespace(k));
      knownEnvNames.add(ConfigKey.envName(k));
    }
    otherKeys.forEach((k, reader) -> {
      if (reader != null && !ownKeys.contains(k)) {
        readers.put(k, reader);
      }
    });
  }

  private static Map<String, String> withoutReaders(Set<String> keys) {
    Map<String, String> out = new HashMap<>();
    keys.forEach(k -> out.put(k, null));
    return out;
  }

  /** How a dotted key name (from a flag or the file) relates to this service. */
  public Kind classify(String key) {
    if (ownKeys.contains(key) || underPrefix(key, ownKeys)) {
      return Kind.OWN;
    }
    String ns = namespace(key);
    if (ownNamespaces.contains(ns)) {
      return Kind.UNKNOWN_IN_OWN_NAMESPACE;
    }
    if (knownKeys.contains(key) || underPrefix(key, knownKeys)) {
      return Kind.OTHER_SERVICE;
    }
    return knownNamespaces.contains(ns) ? Kind.UNKNOWN_IN_OTHER_NAMESPACE : Kind.NO_NAMESPACE;
  }

  /**
   * How an environment variable {@code FLOWMESH_…} relates to this service, when it is not the
   * variable of one of this service's keys (the caller looks those up first).
   */
  public Kind classifyEnv(String name) {
    String ownNs = envNamespace(name, ownNamespaces);
    if (ownNs != null) {
      return Kind.UNKNOWN_IN_OWN_NAMESPACE;
    }
    if (knownEnvNames.contains(name) || underPrefix(name, knownEnvNames)) {
      return Kind.OTHER_SERVICE;
    }
    return envNamespace(name, knownNamespaces) != null ? Kind.UNKNOWN_IN_OTHER_NAMESPACE : Kind.NO_NAMESPACE;
  }

  /**
   * Who reads a key that {@link #classify} finds {@link Kind#OTHER_SERVICE}'s ({@code sink-service}),
   * or null when that is not known.
   */
  public String reader(String key) {
    return readerOf(key, k -> k);
  }

  /** Who reads an environment variable that {@link #classifyEnv} finds {@link Kind#OTHER_SERVICE}'s, or null. */
  public String readerOfEnv(String name) {
    return readerOf(name, ConfigKey::envName);
  }

  private String readerOf(String given, UnaryOperator<String> form) {
    String found = null;
    int longest = -1;
    for (Map.Entry<String, String> e : readers.entrySet()) {
      String name = form.apply(e.getKey());
      boolean prefix = name.endsWith(".") || name.endsWith("_");
      if (name.equals(given)) {
        return e.getValue();
      }
      if (prefix && given.length() > name.length() && given.startsWith(name) && name.length() > longest) {
        found = e.getValue();
        longest = name.length();
      }
    }
    return found;
  }

  /** The own namespace an environment variable falls in, or null. */
  public String ownNamespaceOfEnv(String name) {
    return envNamespace(name, ownNamespaces);
  }

  /** The known key closest to {@code key} (edit distance at most 2), as a flag or file key; null if none. */
  public String suggestKey(String key) {
    return closest(key, k -> k);
  }

  /** The known environment variable closest to {@code name} (edit distance at most 2); null if none. */
  public String suggestEnv(String name) {
    return closest(name, ConfigKey::envName);
  }

  private String closest(String given, UnaryOperator<String> form) {
    String best = null;
    int bestDistance = 3;
    for (String k : knownKeys) {
      String candidate = form.apply(k);
      int d = distance(given, candidate, bestDistance);
      if (d < bestDistance || d == bestDistance && best != null && candidate.compareTo(best) < 0) {
        best = candidate;
        bestDistance = d;
      }
    }
    return bestDistance <= 2 ? best : null;
  }

  /** Levenshtein distance, or {@code limit + 1} as soon as it is certainly above {@code limit}. */
  static int distance(String a, String b, int limit) {
    if (Math.abs(a.length() - b.length()) > limit) {
      return limit + 1;
    }
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      int rowMin = cur[0];
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
        rowMin = Math.min(rowMin, cur[j]);
      }
      if (rowMin > limit) {
        return limit + 1;
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /**
   * Whether {@code name} is under one of the prefixes in {@code names} (those ending in a dot, or
   * as environment names in {@code _}), with something after it.
   */
  private static boolean underPrefix(String name, Set<String> names) {
    for (String n : names) {
      if ((n.endsWith(".") || n.endsWith("_")) && name.length() > n.length() && name.startsWith(n)) {
        return true;
      }
    }
    return false;
  }

  private static String envNamespace(String name, Set<String> namespaces) {
    for (String ns : namespaces) {
      if (name.startsWith("FLOWMESH_" + ns.toUpperCase(Locale.ROOT).replace('-', '_') + "_")) {
        return ns;
      }
    }
    return null;
  }

  /** The first segment of a dotted key. */
  public static String namespace(String key) {
    int dot = key.indexOf('.');
    return dot < 0 ? key : key.substring(0, dot);
  }
}
