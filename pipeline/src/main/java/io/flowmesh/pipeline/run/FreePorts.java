package io.flowmesh.pipeline.run;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

/**
 * Free TCP ports on 127.0.0.1, chosen at run time: random ones between 20000 and 32000 (below the
 * usual ephemeral range, so an outgoing connection does not take one before its service binds it)
 * that nothing listens on, each given once.
 */
final class FreePorts implements IntSupplier {

  private final Set<Integer> given = new HashSet<>();

  @Override
  public int getAsInt() {
    for (int i = 0; i < 1000; i++) {
      int p = 20000 + ThreadLocalRandom.current().nextInt(12000);
      if (!given.contains(p) && free(p)) {
        given.add(p);
        return p;
      }
    }
    throw new IllegalStateException("found no free port between 20000 and 32000 on 127.0.0.1");
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
