package io.flowmesh.runtime.udf;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UdfAddressTest {

  @Test
  void aTcpAddressGivesHostAndPort() {
    UdfAddress a = UdfAddress.parse("tcp://127.0.0.1:50051");
    assertFalse(a.isUnix());
    assertEquals("127.0.0.1", a.socketAddress().host());
    assertEquals(50051, a.socketAddress().port());
  }

  @Test
  void anIpv6TcpAddressLosesItsBrackets() {
    UdfAddress a = UdfAddress.parse("tcp://[::1]:7000");
    assertEquals("::1", a.socketAddress().host());
  }

  @Test
  void aUnixAddressGivesTheSocketPath() {
    UdfAddress a = UdfAddress.parse("unix:///var/run/numaflow/map.sock");
    assertTrue(a.isUnix());
    assertEquals("/var/run/numaflow/map.sock", a.socketAddress().path());
  }

  @Test
  void aBadAddressIsAnErrorNamingItAndTheExpectedForms() {
    for (String bad : new String[] {"", "localhost:50051", "tcp://host", "tcp://host:0", "tcp://h:1/x",
        "unix://relative/path", "unix:///", "http://host:80"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UdfAddress.parse(bad), bad);
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
      assertTrue(e.getMessage().contains("tcp://host:port or unix:///path"), e.getMessage());
    }
  }
}
