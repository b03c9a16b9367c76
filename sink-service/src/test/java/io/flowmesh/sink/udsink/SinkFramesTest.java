package io.flowmesh.sink.udsink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.flowmesh.proto.grpc.GrpcFrames;
import io.flowmesh.proto.udf.sink.v1.SinkRequest;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.MessageHeaders;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SinkFrames} writes, field by field, the frames the generated {@code SinkRequest} would. */
class SinkFramesTest {

  private final SinkFrames frames = new SinkFrames();

  @Test
  void eachFrameIsTheGeneratedSinkRequestOfTheMessage() throws Exception {
    List<EdgeMessage> all = List.of(
        EdgeMessage.newBuilder().setId("a-1").setValue(ByteString.copyFromUtf8("v")).addKeys("k1").addKeys("k2")
            .setEventTime(1_700_000_000_123L).addHeaders(MessageHeaders.header("h", "x")).build(),
        EdgeMessage.newBuilder().setId("b").build(),
        EdgeMessage.newBuilder().setId("ü-∑-😀").setValue(ByteString.copyFrom(new byte[70_000])).addKeys("").addKeys("ключ")
            .setEventTime(5_000).addHeaders(MessageHeaders.header("", "")).build(),
        EdgeMessage.newBuilder().setId("c").setEventTime(7).addHeaders(MessageHeaders.header("one", "1")).addHeaders(MessageHeaders.header("two", "2")).addHeaders(MessageHeaders.header("three", "")).build(),
        EdgeMessage.newBuilder().build());
    Buffer out = Buffer.buffer();
    for (EdgeMessage m : all) {
      frames.appendRequest(out, m);
    }
    int at = 0;
    for (EdgeMessage m : all) {
      SinkRequest expected = SinkRequest.newBuilder().setRequest(generated(m)).build();
      int len = out.getInt(at + 1);
      assertEquals(0, out.getByte(at), "not compressed");
      SinkRequest got = SinkRequest.parseFrom(out.getBytes(at + GrpcFrames.PREFIX, at + GrpcFrames.PREFIX + len));
      assertEquals(expected, got, "message " + m.getId());
      if (m.getHeadersCount() <= 1) {
        // One header at most: the field order is fixed, so the bytes are the generated ones exactly.
        assertArrayEquals(GrpcFrames.frame(expected), out.getBytes(at, at + GrpcFrames.PREFIX + len), "bytes of " + m.getId());
      }
      at += GrpcFrames.PREFIX + len;
    }
    assertEquals(out.length(), at, "nothing but the frames");
  }

  /** What the client built per message before SinkFrames. */
  private static SinkRequest.Request generated(EdgeMessage m) {
    SinkRequest.Request.Builder b = SinkRequest.Request.newBuilder().setId(m.getId()).setValue(m.getValue())
        .addAllKeys(m.getKeysList()).putAllHeaders(MessageHeaders.toMap(m));
    if (m.getEventTime() > 0) {
      long millis = m.getEventTime();
      b.setEventTime(Timestamp.newBuilder().setSeconds(Math.floorDiv(millis, 1000)).setNanos(Math.floorMod(millis, 1000) * 1_000_000));
    }
    return b.build();
  }
}
