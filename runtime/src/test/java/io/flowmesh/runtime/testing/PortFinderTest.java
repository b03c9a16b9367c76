package io.flowmesh.runtime.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortFinderTest {

  @Test
  void portsComeFromBelowTheEphemeralRangeAndAreBindable() throws Exception {
    int low = PortFinder.ephemeralLow();
    assumeTrue(low >= 11_000, "the ephemeral range starts at " + low
        + ": too little room below it, so PortFinder lets the kernel choose");
    for (int i = 0; i < 50; i++) {
      int port = PortFinder.freePort();
      assertTrue(port < low, "port " + port + " is below the ephemeral range starting at " + low);
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertEquals(port, s.getLocalPort());
      }
    }
  }

  /**
   * 2,000 draws: were each a fresh random pick from the ~22,000 ports below the range, about 90
   * pairs would repeat (a broker given one port for its listener and its controller refuses it).
   */
  @Test
  void theSamePortIsNeverHandedOutTwice() {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 2_000; i++) {
      int port = PortFinder.freePort();
      assertTrue(seen.add(port), "port " + port + " handed out twice, draw " + i);
    }
  }
}
