package io.flowmesh.runtime.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.udf.map.v1.Handshake;
import io.flowmesh.proto.udf.map.v1.MapResponse;

import org.junit.jupiter.api.Test;

/** What a log line says of a UDF's response: its shape, none of its data. */
class UdfResponsesTest {

  @Test
  void aResponseIsDescribedByItsShapeWithoutTheRecordsData() {
    MapResponse r = MapResponse.newBuilder()
        .addResults(MapResponse.Result.newBuilder().setValue(ByteString.copyFromUtf8("card 4111-1111-1111-1111"))
            .addKeys("customer-42").addTags("vip"))
        .addResults(MapResponse.Result.newBuilder().setValue(ByteString.copyFromUtf8("x")))
        .build();
    String d = UdfResponses.describe(r);
    assertEquals("results[2]: {keys[1]: <11 chars> value: <24 bytes> tags[1]: <3 chars>}", d);
    assertFalse(d.contains("4111") || d.contains("customer") || d.contains("vip"), d);
  }

  @Test
  void numbersAndFlagsAreShown() {
    MapResponse handshake = MapResponse.newBuilder().setHandshake(Handshake.newBuilder().setSot(true)).build();
    assertEquals("handshake: {sot: true}", UdfResponses.describe(handshake));
  }
}
