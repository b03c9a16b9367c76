package io.flowmesh.runtime.edge;

import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.config.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The upstream vertices a map or sink subscribes to: either one unnamed upstream ({@code
 * Y.upstream}, today's form) or one or more named ones ({@code Y.upstream.<vertex>}; several are a
 * join). Each is a list of addresses, every one a literal address or a name resolving to replicas.
 *
 * @param vertices at least one; a single unnamed one has {@link Vertex#name()} empty
 * @param goneAfter how long an upstream vertex with no open stream on any replica still holds the
 *     input watermark back ({@link UpstreamSet#gone})
 */
public record Upstreams(List<Vertex> vertices, Duration goneAfter) {

  /**
   * One upstream vertex.
   *
   * @param name the name it was configured under (sent in {@code Hello.upstream_vertex}), or empty
   * @param addresses its edge addresses, at least one
   */
  public record Vertex(String name, List<HostPort> addresses) {
    public Vertex {
      addresses = List.copyOf(addresses);
      if (addresses.isEmpty()) {
        throw new IllegalArgumentException("upstream vertex " + name + " has no address");
      }
    }

    /** {@code source-a=host:port} for a named one, {@code host:port} for the unnamed one. */
    @Override
    public String toString() {
      return name.isEmpty() ? HostPort.join(addresses) : name + "=" + HostPort.join(addresses);
    }
  }

  public Upstreams {
    vertices = List.copyOf(vertices);
    if (vertices.isEmpty()) {
      throw new IllegalArgumentException("no upstream");
    }
  }

  /** The default of {@code Y.upstream-gone-after}. */
  public static final String DEFAULT_GONE_AFTER = "30s";

  /**
   * {@code <service>.upstream.} (map, sink): the prefix key of the named upstream vertices,
   * {@code map.upstream.source-a=host:port}, one per upstream vertex; several are a join.
   */
  public static ConfigKey<String> namedKey(String service) {
    return ConfigKey.prefix(service + ".upstream.", "a named upstream vertex's edge: " + service + ".upstream.<vertex>=host:port "
        + "(same forms as " + service + ".upstream; the name is sent in the edge hello and the upstream refuses a subscriber "
        + "for an edge it does not have); several named upstreams are a join, whose watermark is the lowest of theirs. Not "
        + "together with " + service + ".upstream. In the environment the suffix reads '_' as '.', so a vertex name with "
        + "'-', '_' or capitals is set with a flag (--" + service + ".upstream.source-a=...) or in the config file", Map.of());
  }

  /** {@code <service>.upstream-gone-after}: when an unreachable upstream vertex stops holding the watermark back. */
  public static ConfigKey<Duration> goneAfterKey(String service) {
    return ConfigKey.of(service + ".upstream-gone-after", DEFAULT_GONE_AFTER, Types.durationRange("0s", "24h"),
        "how long an upstream vertex none of whose replicas has an open edge stream keeps holding the input watermark at "
        + "its last value; after it, it stops counting (a join follows its other upstreams) until it connects again");
  }

  /** One unnamed upstream at {@code addresses}, as {@code Y.upstream} sets it. */
  public static Upstreams unnamed(List<HostPort> addresses, Duration goneAfter) {
    return new Upstreams(List.of(new Vertex("", addresses)), goneAfter);
  }

  /** Whether the vertex subscribes to several upstream vertices. */
  public boolean isJoin() {
    return vertices.size() > 1;
  }

  /** For logs and readiness lines: {@code 127.0.0.1:7001} or {@code source-a=h:7001; source-b=h:7011}. */
  public String describe() {
    return vertices.stream().map(Vertex::toString).collect(Collectors.joining("; "));
  }

  /**
   * Reads {@code plain} ({@code Y.upstream}) and {@code named} ({@code Y.upstream.}, a prefix key):
   * named keys win when set, each one's suffix the upstream vertex's name. Setting both, a suffix
   * that is no vertex name, and a bad address list are problems naming the key(s), recorded in
   * {@code s}; the plain key's value is then returned so reading can go on.
   */
  public static Upstreams read(Settings s, ConfigKey<List<HostPort>> plain, ConfigKey<String> named, ConfigKey<Duration> goneAfter) {
    Duration gone = s.get(goneAfter);
    List<HostPort> unnamed = s.get(plain);
    Map<String, String> byName = s.prefixed(named);
    if (byName.isEmpty()) {
      return unnamed(unnamed, gone);
    }
    boolean ok = true;
    if (s.source(plain) != Settings.Source.DEFAULT) {
      s.problem(plain.name() + " and " + byName.keySet().stream().map(n -> named.name() + n).collect(Collectors.joining(", "))
          + " are both set: use " + plain.name() + " for one unnamed upstream, or " + named.name()
          + "<vertex> for each named upstream vertex (several make a join), not both");
      ok = false;
    }
    List<Vertex> vertices = new ArrayList<>();
    for (Map.Entry<String, String> e : byName.entrySet()) {
      String key = named.name() + e.getKey();
      try {
        Types.NAME.parse(e.getKey());
      } catch (IllegalArgumentException bad) {
        s.problem(key + ": '" + e.getKey() + "' is not a vertex name: allowed is " + Types.NAME.allowed());
        ok = false;
        continue;
      }
      try {
        vertices.add(new Vertex(e.getKey(), Types.HOST_PORTS.parse(e.getValue())));
      } catch (IllegalArgumentException bad) {
        s.problem(key + "='" + e.getValue() + "': " + bad.getMessage());
        ok = false;
      }
    }
    return ok ? new Upstreams(vertices, gone) : unnamed(unnamed, gone);
  }
}
