package io.flowmesh.runtime.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.config.Types;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code map.upstream} and {@code map.upstream.<vertex>} as a service reads them, from flags and the environment. */
class UpstreamsConfigTest {

  private static final ConfigKey<List<HostPort>> PLAIN = ConfigKey.of("map.upstream", "127.0.0.1:7001", Types.HOST_PORTS, "the upstream");
  private static final ConfigKey<String> NAMED = Upstreams.namedKey("map");
  private static final ConfigKey<Duration> GONE_AFTER = Upstreams.goneAfterKey("map");

  private record Read(Upstreams upstreams, List<String> problems) {
  }

  private static Read read(Map<String, String> env, String... args) {
    Settings s = Settings.load(List.of(PLAIN, NAMED, GONE_AFTER), Set.of("map"), args, env);
    Upstreams u = Upstreams.read(s, PLAIN, NAMED, GONE_AFTER);
    return new Read(u, s.problems());
  }

  @Test
  void thePlainKeyAloneIsOneUnnamedUpstreamAsBefore() {
    Read r = read(Map.of(), "--map.upstream=10.0.0.1:7001,10.0.0.2:7001");
    assertEquals(List.of(), r.problems());
    assertFalse(r.upstreams().isJoin());
    assertEquals("", r.upstreams().vertices().get(0).name());
    assertEquals("10.0.0.1:7001,10.0.0.2:7001", r.upstreams().describe());
    assertEquals(Duration.ofSeconds(30), r.upstreams().goneAfter());
  }

  @Test
  void anUpstreamWrittenAsAUrlIsRefusedSayingToDropTheScheme() {
    Read r = read(Map.of("FLOWMESH_MAP_UPSTREAM", "tcp://127.0.0.1:7001"));
    assertEquals(List.of("map.upstream='tcp://127.0.0.1:7001' (from FLOWMESH_MAP_UPSTREAM): drop 'tcp://': this is host:port "
        + "(127.0.0.1:7001), not a URL"), r.problems());
    Read named = read(Map.of(), "--map.upstream.source-a=127.0.0.1:7001,tcp://127.0.0.2:7001");
    assertEquals(List.of("map.upstream.source-a='127.0.0.1:7001,tcp://127.0.0.2:7001': drop 'tcp://': this is host:port "
        + "(127.0.0.2:7001), not a URL"), named.problems());
  }

  @Test
  void namedKeysAreOneUpstreamVertexEachAndSeveralAreAJoin() {
    Read r = read(Map.of(), "--map.upstream.source-a=sources-a:7001", "--map.upstream.source-b=127.0.0.1:7011,127.0.0.2:7011",
        "--map.upstream-gone-after=5s");
    assertEquals(List.of(), r.problems());
    assertTrue(r.upstreams().isJoin());
    assertEquals("source-a=sources-a:7001; source-b=127.0.0.1:7011,127.0.0.2:7011", r.upstreams().describe());
    assertEquals(Duration.ofSeconds(5), r.upstreams().goneAfter());
  }

  @Test
  void aNamedKeyFromTheEnvironmentReadsUnderscoresAsDots() {
    Read r = read(Map.of("FLOWMESH_MAP_UPSTREAM_ORDERS", "orders:7001", "FLOWMESH_MAP_UPSTREAM_GONE_AFTER", "2s"));
    assertEquals(List.of(), r.problems());
    assertEquals("orders=orders:7001", r.upstreams().describe());
    assertEquals(Duration.ofSeconds(2), r.upstreams().goneAfter(), "the plain key's variable is not taken for a vertex named gone.after");
  }

  @Test
  void settingThePlainAndANamedKeyIsAnErrorNamingBoth() {
    Read r = read(Map.of(), "--map.upstream=127.0.0.1:7001", "--map.upstream.source-a=127.0.0.1:7011");
    assertEquals(1, r.problems().size(), r.problems().toString());
    String p = r.problems().get(0);
    assertTrue(p.startsWith("map.upstream and map.upstream.source-a are both set"), p);
  }

  @Test
  void aBadAddressUnderANamedKeyIsAnErrorNamingThatKey() {
    Read r = read(Map.of(), "--map.upstream.source-a=127.0.0.1:7011", "--map.upstream.source-b=nowhere");
    assertEquals(1, r.problems().size(), r.problems().toString());
    String p = r.problems().get(0);
    assertTrue(p.startsWith("map.upstream.source-b='nowhere': "), p);
    assertFalse(p.endsWith("null"), p);
  }

  @Test
  void aSuffixThatIsNoVertexNameIsAnErrorNamingTheKey() {
    Read r = read(Map.of(), "--map.upstream.-a=127.0.0.1:7011");
    assertEquals(1, r.problems().size(), r.problems().toString());
    assertTrue(r.problems().get(0).startsWith("map.upstream.-a: '-a' is not a vertex name: allowed is "), r.problems().get(0));
  }
}
