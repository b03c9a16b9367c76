package io.flowmesh.map.engine;

import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.proto.udf.map.v1.MapResponse;

/** Builds map's output messages from an input and the UDF's results. */
final class Outputs {

  private Outputs() {
  }

  /**
   * Output {@code index} of {@code in}: id {@code <input id>/<index>}, the result's value, keys and
   * tags, the input's event time, ingest time, headers and serve mark ({@code headers}: whether it
   * has any, known from its arrival). Empty lists are not copied (that would allocate per element
   * in the common case).
   */
  static Message of(Message in, boolean headers, MapResponse.Result r, int index) {
    Message.Builder o = Message.newBuilder().setId(in.getId() + "/" + index).setValue(r.getValue())
        .setEventTime(in.getEventTime()).setIngestTime(in.getIngestTime());
    if (in.getServe()) {
      o.setServe(true);
    }
    if (r.getKeysCount() > 0) {
      o.addAllKeys(r.getKeysList());
    }
    if (r.getTagsCount() > 0) {
      o.addAllTags(r.getTagsList());
    }
    if (headers) {
      o.putAllHeaders(in.getHeadersMap());
    }
    return o.build();
  }
}
