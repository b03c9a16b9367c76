package io.flowmesh.runtime.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on loopback, for tests that must name a port before something listens on it.
 *
 * <p>A port is handed over closed, so something else may take it before the process it is meant
 * for binds it. Port 0 would choose from the kernel's ephemeral range, the same range every
 * outgoing connection's local port comes from: a process that dials its upstreams before it
 * binds its own port could find that port taken by one of its own connections (seen once in CI:
 * a sink's HTTP port taken by its edge client). So ports come from below the ephemeral range
 * ({@code /proc/sys/net/ipv4/ip_local_port_range}), chosen at random and checked free, and this
 * JVM never hands the same port out twice.
 */
public final class PortFinder {

  private static final int LOWEST = 10_000;
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private PortFinder() {
  }

  public static int freePort() {
    int below = ephemeralLow();
    if (below - LOWEST < 1_000) {
      return kernelChosen();
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = LOWEST + random.nextInt(below - LOWEST);
      if (claim(port) && bindable(port)) {
        return port;
      }
    }
    return kernelChosen();
  }

  private static synchronized boolean claim(int port) {
    return HANDED_OUT.add(port);
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return s.isBound();
    } catch (IOException e) {
      return false;
    }
  }

  /** A port the kernel chooses, one this JVM has not handed out before. */
  private static int kernelChosen() {
    while (true) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        if (claim(s.getLocalPort())) {
          return s.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The first port of the kernel's ephemeral range; 32768 (Linux's default) when it cannot be read. */
  static int ephemeralLow() {
    // Read by line: Files.readString of this procfs file gave "3" on JDK 17 here.
    try (BufferedReader in = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
      String line = in.readLine();
      return Integer.parseInt(line.trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }
}
