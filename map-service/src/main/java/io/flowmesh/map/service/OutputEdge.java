package io.flowmesh.map.service;

import io.flowmesh.map.engine.Element;
import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.runtime.edge.EdgeServer;
import io.flowmesh.runtime.edge.Watermarks;
import java.util.Arrays;
import java.util.List;

/**
 * The map vertex's downstream edge, shared by its instances so that any subscriber (the sink,
 * however many replicas it has) receives from every instance: one {@link EdgeServer} on its own
 * event loop. Its watermark is the lowest of the instances' watermarks.
 *
 * <h2>Concurrency</h2>
 * Used only on the edge's event loop ({@link InstancePort} hops there).
 */
final class OutputEdge {

  private final EdgeServer server;
  private final long[] watermarks;

  OutputEdge(EdgeServer server, int instances) {
    this.server = server;
    this.watermarks = new long[instances];
    Arrays.fill(watermarks, Watermarks.NONE);
    server.ackListener((m, attachment) -> {
      Element e = (Element) attachment;
      ((InstancePort) e.owner()).ackedOnEdgeLoop(e);
    });
  }

  EdgeServer server() {
    return server;
  }

  void accept(int instance, List<Element> from, List<Message> outputs, long watermark) {
    for (int i = 0, n = outputs.size(); i < n; i++) {
      if (!server.offer(outputs.get(i), from.get(i))) {
        throw new IllegalStateException("output edge queue full: instances must bound their outputs by map.output-capacity");
      }
    }
    if (watermark > watermarks[instance]) {
      watermarks[instance] = watermark;
      long min = Long.MAX_VALUE;
      for (long w : watermarks) {
        min = Math.min(min, w);
      }
      server.watermark(min);
    }
  }
}
