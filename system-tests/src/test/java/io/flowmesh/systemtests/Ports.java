package io.flowmesh.systemtests;

import io.flowmesh.runtime.testing.PortFinder;
import java.io.IOException;
import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.Set;

/** Free TCP ports on loopback, for processes that must be told their port before they listen. */
final class Ports {

  private Ports() {
  }

  /** A free port below the kernel's ephemeral range (see {@link PortFinder}). */
  static int free() {
    return PortFinder.freePort();
  }

  /** {@code n} distinct free ports. */
  static int[] free(int n) {
    Set<Integer> ports = new LinkedHashSet<>();
    while (ports.size() < n) {
      ports.add(free());
    }
    return ports.stream().mapToInt(Integer::intValue).toArray();
  }

  /** True when something accepts connections on 127.0.0.1:{@code port}. */
  static boolean listening(int port) {
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
