package io.flowmesh.runtime.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.tls.TlsOptions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure parts of subscriber authentication: the exposure warning, vertex names in certificates, the masked token. */
class SubscriberAuthTest {

  private static final TlsOptions MUTUAL = new TlsOptions(true, "c.pem", "k.pem", "ca.pem", true, true);

  @Test
  void anEdgeBeyondLoopbackWithNeitherTokenNorMutualTlsIsWarnedAbout() {
    String w = SubscriberAuth.exposureWarning("source", "0.0.0.0", EdgeOptions.defaults());
    assertTrue(w != null && w.contains("listens on 0.0.0.0, beyond loopback, with neither edge.token nor mutual TLS")
        && w.contains("FLOWMESH_EDGE_TOKEN"), w);
    assertTrue(SubscriberAuth.exposureWarning("map", "10.1.2.3", EdgeOptions.defaults().withTls(
        new TlsOptions(true, "c.pem", "k.pem", null, false, true))) != null, "TLS without client certificates authenticates nobody");
  }

  @Test
  void loopbackATokenOrMutualTlsNeedNoWarning() {
    for (String host : List.of("127.0.0.1", "127.3.4.5", "localhost", "::1", "[::1]")) {
      assertNull(SubscriberAuth.exposureWarning("source", host, EdgeOptions.defaults()), host);
    }
    assertNull(SubscriberAuth.exposureWarning("source", "0.0.0.0", EdgeOptions.defaults().withAuth(EdgeAuth.NONE.withToken("t"))));
    assertNull(SubscriberAuth.exposureWarning("source", "0.0.0.0", EdgeOptions.defaults().withTls(MUTUAL)));
    assertFalse(SubscriberAuth.isLoopback("source.internal"), "a name is not resolved, so it is not known to be loopback");
  }

  @Test
  void aCertificateNamesAVertexBySanUriSanDnsOrCommonName() {
    assertTrue(PeerNames.namesVertex(List.of("URI:flowmesh://vertex/map"), "map"));
    assertTrue(PeerNames.namesVertex(List.of("DNS:localhost", "DNS:map"), "map"));
    assertTrue(PeerNames.namesVertex(List.of("CN=map"), "map"));
    assertFalse(PeerNames.namesVertex(List.of("DNS:map.example.com", "CN=mapper", "URI:flowmesh://vertex/sink"), "map"));
    assertFalse(PeerNames.namesVertex(List.of("CN="), ""), "an empty vertex name is never named");
  }

  @Test
  void allowedSubscribersAndTheTokenAsText() {
    EdgeAuth auth = new EdgeAuth("s3cret", Set.of("map"));
    assertTrue(auth.allows("map"));
    assertFalse(auth.allows("sink"));
    assertTrue(EdgeAuth.NONE.allows("anything"));
    assertTrue(auth.withAllowedSubscribers(Set.of("*")).allows("sink"));
    assertFalse(auth.toString().contains("s3cret"), auth.toString());
    assertFalse(EdgeOptions.defaults().withAuth(auth).toString().contains("s3cret"));
    assertEquals("'" + "x".repeat(64) + "…'", PeerNames.quote("x".repeat(100)));
  }
}
