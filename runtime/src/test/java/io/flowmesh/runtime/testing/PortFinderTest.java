package io.flowmesh.runtime.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortFinderTest {

  @Test
  void portsComeFromBelowTheEphemeralRangeAreDistinctAndBindable() throws Exception {
    int low = PortFinder.ephemeralLow();
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      int port = PortFinder.freePort();
      assertTrue(port < low, "port " + port + " is below the ephemeral range starting at " + low);
      assertTrue(seen.add(port), "port " + port + " handed out twice");
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertEquals(port, s.getLocalPort());
      }
    }
  }
}
