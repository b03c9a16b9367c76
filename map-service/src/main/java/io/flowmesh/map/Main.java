package io.flowmesh.map;

import java.util.Properties;

/** {@code java -jar map-service.jar [--config FILE] [--key=value ...]}; {@code --help} lists every key. */
public final class Main {

  /** Netty's system property naming the allocator of {@code ByteBufAllocator.DEFAULT}. */
  static final String NETTY_ALLOCATOR = "io.netty.allocator.type";

  private Main() {
  }

  public static void main(String[] args) {
    nettyDefaults(System.getProperties());
    new MapMain().main(args);
  }

  /**
   * Netty's pooled allocator for the map's direct buffers, unless {@code -Dio.netty.allocator.type}
   * says otherwise; set before any Netty class reads it. Netty 4.2's default, the adaptive
   * allocator, runs in its low-memory mode in a heap under 512 MB (the map ships with 40 MB): one
   * shared magazine, chunks of at most 2 MiB, and chunks given back and allocated again so often
   * that zeroing new chunks (the JDK zeroes each direct allocation) took ~7 % of the map's CPU at
   * full rate, mostly under the HTTP/2 decoder's cumulation buffers (BENCHMARKS.md, "Outside
   * Java: a whole-machine profile of scenario 2"). The pooled allocator keeps its chunks.
   */
  static void nettyDefaults(Properties system) {
    if (system.getProperty(NETTY_ALLOCATOR) == null) {
      system.setProperty(NETTY_ALLOCATOR, "pooled");
    }
  }
}
