package io.flowmesh.map.udf;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.udf.map.v1.MapRequest;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.flowmesh.proto.udf.map.v1.TransmissionStatus;

import java.util.ArrayList;
import java.util.List;

/** Responses of a stream-map UDF, for {@link TestUdf} behaviours. */
final class StreamMapTestUdf {

  private StreamMapTestUdf() {
  }

  /** {@code MapResponse{id, results[value]}}. */
  static MapResponse result(String id, String value) {
    return MapResponse.newBuilder().setId(id)
        .addResults(MapResponse.Result.newBuilder().setValue(ByteString.copyFromUtf8(value))).build();
  }

  /** {@code MapResponse{id, status{eot}}}. */
  static MapResponse eot(String id) {
    return MapResponse.newBuilder().setId(id).setStatus(TransmissionStatus.newBuilder().setEot(true)).build();
  }

  static String value(MapRequest request) {
    return request.getRequest().getValue().toStringUtf8();
  }

  /** How many results element {@code value} gets: its index mod 4 (0 to 3). */
  static int parts(String value) {
    return Integer.parseInt(value) % 4;
  }

  /** The results element {@code value} is expected to be answered with: "v-0", "v-1", ... */
  static List<String> expected(String value) {
    List<String> out = new ArrayList<>();
    for (int r = 0; r < parts(value); r++) {
      out.add(value + "-" + r);
    }
    return out;
  }

  /** Answers {@code request} with its {@link #expected} results one response each, then its EOT. */
  static void answer(TestUdf.Call call, MapRequest request) {
    String v = value(request);
    for (String part : expected(v)) {
      call.write(result(request.getId(), part));
    }
    call.write(eot(request.getId()));
  }
}
