package io.flowmesh.map;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void theMapUsesNettysPooledAllocatorWhenNoneIsNamed() {
    Properties p = new Properties();
    Main.nettyDefaults(p);
    assertEquals("pooled", p.getProperty("io.netty.allocator.type"));
  }

  @Test
  void anAllocatorNamedOnTheCommandLineIsKept() {
    Properties p = new Properties();
    p.setProperty("io.netty.allocator.type", "adaptive");
    Main.nettyDefaults(p);
    assertEquals("adaptive", p.getProperty("io.netty.allocator.type"));
  }
}
