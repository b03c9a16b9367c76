package io.flowmesh.pipeline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.config.HostPort;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VertexAddressesTest {

  @Test
  void whatIsFormattedParsesBackWithEveryReplicaInOrder() {
    Map<String, List<HostPort>> a = new LinkedHashMap<>();
    a.put("in", List.of(new HostPort("127.0.0.1", 7001)));
    a.put("map", List.of(new HostPort("127.0.0.1", 7002), new HostPort("127.0.0.1", 7003)));
    a.put("out", List.of(new HostPort("::1", 7004)));
    String text = VertexAddresses.format(a);
    assertEquals("in=127.0.0.1:7001,map=127.0.0.1:7002,map=127.0.0.1:7003,out=[::1]:7004", text);
    assertEquals(a, VertexAddresses.parse(text));
  }

  @Test
  void aBadEntryIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VertexAddresses.parse("in=127.0.0.1:7001,map"));
    assertTrue(e.getMessage().contains("'map' is not name=host:port"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> VertexAddresses.parse(" , "));
    assertTrue(e.getMessage().contains("no vertex given"), e.getMessage());
  }
}
