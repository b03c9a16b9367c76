package io.flowmesh.systemtests;

import io.flowmesh.runtime.testing.PortFinder;
import java.io.IOException;
import java.net.InetAddress;

/** Free TCP ports on loopback, for processes that must be told their port before they listen. */
final class Ports {

  private Ports() {
  }

  /** A free port below the kernel's ephemeral range (see {@link PortFinder}). */
  static int free() {
    return PortFinder.freePort();
  }

  /** {@code n} distinct free ports ({@link PortFinder} never hands one out twice). */
  static int[] free(int n) {
    int[] ports = new int[n];
    for (int i = 0; i < n; i++) {
      ports[i] = free();
    }
    return ports;
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
