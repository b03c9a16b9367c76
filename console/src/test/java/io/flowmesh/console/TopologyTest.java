package io.flowmesh.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.flowmesh.pipeline.deploy.VertexAddresses;
import io.flowmesh.pipeline.spec.SpecParser;
import io.flowmesh.runtime.config.HostPort;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopologyTest {

  private static final String SPEC = """
      metadata: {name: even-odd}
      spec:
        vertices:
          - {name: in, source: {generator: {rpu: 10}}}
          - {name: split, udf: {builtin: {name: even-odd}}, settings: {map.http.port: 9000}}
          - {name: even, sink: {log: {}}}
        edges:
          - {from: in, to: split}
          - {from: split, to: even, conditions: {tags: {operator: or, values: [even]}}}
      """;

  @Test
  void theSpecGivesTheGraphAndTheAddressesWinOverNameAndPort() throws Exception {
    Topology t = Topology.of(SpecParser.parse(SPEC, "test", "x"), VertexAddresses.parse("in=127.0.0.1:7001, in=127.0.0.1:7002"));
    assertEquals("even-odd", t.name());
    assertEquals(List.of(new HostPort("127.0.0.1", 7001), new HostPort("127.0.0.1", 7002)), t.vertices().get(0).replicas(),
        "a name given twice is two replicas");
    assertEquals(List.of(new HostPort("split", 9000)), t.vertices().get(1).replicas(), "the spec's map.http.port at the vertex's name");
    assertEquals(List.of(new HostPort("even", 8080)), t.vertices().get(2).replicas());
    assertEquals("map", t.vertices().get(1).kind());
    assertEquals(List.of(new Topology.Edge("in", "split", null), new Topology.Edge("split", "even", "or:even")), t.edges());
  }

  @Test
  void aBadAddressListNamesTheEntryAndAnUnknownVertexNamesTheSpec() throws Exception {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VertexAddresses.parse("in=127.0.0.1:7001,map"));
    assertEquals("'map' is not name=host:port", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> VertexAddresses.parse("in=127.0.0.1:x"));
    assertEquals("'in=127.0.0.1:x': For input string: \"x\"", e.getMessage());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> Topology.of(SpecParser.parse(SPEC, "test", "x"), Map.of("nope", List.of(new HostPort("h", 1)))));
    assertEquals("console.vertices names 'nope', which spec 'even-odd' has no vertex of", unknown.getMessage());
  }
}
