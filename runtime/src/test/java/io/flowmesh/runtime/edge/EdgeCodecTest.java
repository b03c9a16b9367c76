package io.flowmesh.runtime.edge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.edge.v1.Batch;
import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.proto.edge.v1.UpstreamFrame;
import io.flowmesh.proto.grpc.GrpcFrameReader;
import io.flowmesh.proto.grpc.GrpcFrames;
import io.flowmesh.proto.grpc.GrpcStatusHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EdgeCodecTest {

  private static EdgeMessage plain(int i) {
    return EdgeMessage.newBuilder().setId("m-" + i).setValue(ByteString.copyFromUtf8("value " + i)).setEventTime(1_700_000_000_000L + i)
        .setIngestTime(1_700_000_000_123L + i).build();
  }

  /** {@link #plain} built with the generated classes. */
  private static Message plainProto(int i) {
    return Message.newBuilder().setId("m-" + i).setValue(ByteString.copyFromUtf8("value " + i)).setEventTime(1_700_000_000_000L + i)
        .setIngestTime(1_700_000_000_123L + i).build();
  }

  private static EdgeMessage full(int i) {
    return EdgeMessage.newBuilder().setId("full-" + i).setValue(ByteString.copyFrom(new byte[300 + i])).addKeys("k" + i).addKeys("")
        .setEventTime(-5).addHeaders(MessageHeaders.header("h", "v" + i)).addHeaders(MessageHeaders.header("ü", "€")).addTags("t").setServe(true).build();
  }

  /** {@link #full} built with the generated classes. */
  private static Message fullProto(int i) {
    return Message.newBuilder().setId("full-" + i).setValue(ByteString.copyFrom(new byte[300 + i])).addKeys("k" + i).addKeys("")
        .setEventTime(-5).addHeaders(MessageHeaders.header("h", "v" + i)).addHeaders(MessageHeaders.header("ü", "€")).addTags("t").setServe(true).build();
  }

  /** The generated classes' message for each of ours, built from the same values by their own builder (see {@link #plain}, {@link #full}). */
  private static Message proto(EdgeMessage m) {
    if (m.getId().isEmpty()) {
      return Message.getDefaultInstance();
    }
    int i = Integer.parseInt(m.getId().substring(m.getId().lastIndexOf('-') + 1));
    return m.getId().startsWith("full-") ? fullProto(i) : plainProto(i);
  }

  /** What the generated classes write for the same batch, with the gRPC prefix before it. */
  private static byte[] generated(long firstSeq, long watermark, EdgeMessage... messages) {
    Batch batch = Batch.newBuilder().setFirstSeq(firstSeq).setWatermark(watermark).addAllMessages(Arrays.stream(messages).map(EdgeCodecTest::proto).toList()).build();
    return GrpcFrames.frame(UpstreamFrame.newBuilder().setBatch(batch).build());
  }

  /** The frame EdgeCodec writes into a pooled direct buffer, as an array; the buffer is released. */
  private static byte[] encode(long firstSeq, long watermark, EdgeMessage[] messages, int count) {
    ByteBuf frame = EdgeCodec.batchFrame(PooledByteBufAllocator.DEFAULT, firstSeq, watermark, messages, count);
    try {
      assertTrue(frame.isDirect(), "a direct buffer");
      assertEquals(frame.capacity(), frame.readableBytes(), "exactly as large as the frame");
      return ByteBufUtil.getBytes(frame);
    } finally {
      assertTrue(frame.release(), "the caller holds the only reference");
    }
  }

  @Test
  void aBatchIsEncodedByteForByteAsTheGeneratedClassesWouldWithItsPrefix() {
    EdgeMessage[] ms = {plain(1), full(2), EdgeMessage.getDefaultInstance(), plain(3), full(4)};
    long[][] seqAndWatermark = {{0, 0}, {1, 0}, {0, 1_700_000_000_000L}, {1L << 40, -1}, {Long.MAX_VALUE, Long.MIN_VALUE}};
    for (long[] sw : seqAndWatermark) {
      for (int count = 0; count <= ms.length; count++) {
        EdgeMessage[] some = Arrays.copyOf(ms, count);
        byte[] ours = encode(sw[0], sw[1], Arrays.copyOf(ms, ms.length), count);
        assertArrayEquals(generated(sw[0], sw[1], some), ours, "first_seq " + sw[0] + ", watermark " + sw[1] + ", " + count + " messages");
      }
    }
  }

  @Test
  void aFrameReadBackGivesTheSameBatch() throws Exception {
    EdgeMessage[] ms = new EdgeMessage[256];
    for (int i = 0; i < ms.length; i++) {
      ms[i] = i % 7 == 0 ? full(i) : plain(i);
    }
    byte[] frame = encode(42, 1234, ms, ms.length);
    List<Buffer> frames = new ArrayList<>();
    GrpcFrameReader reader = new GrpcFrameReader(1 << 20, "edge.max-frame-bytes", new GrpcFrameReader.Sink() {
      @Override
      public boolean onMessage(Buffer message) {
        frames.add(message);
        return true;
      }

      @Override
      public void onMalformed(String detail) {
        throw new AssertionError(detail);
      }
    });
    // fed in pieces, as DATA frames would cut it
    for (int at = 0; at < frame.length; at += 1000) {
      reader.feed(Buffer.buffer(Arrays.copyOfRange(frame, at, Math.min(frame.length, at + 1000))));
    }
    assertEquals(1, frames.size());
    EdgeFrames.Inbound batch = EdgeFrames.parse(frames.get(0));
    assertTrue(batch.batch);
    assertEquals(42, batch.firstSeq);
    assertEquals(1234, batch.watermark);
    assertEquals(Arrays.asList(ms), batch.messages());
  }

  @Test
  void aStatusMessageIsPercentEncodedAsGrpcWantsAndDecodesToItself() {
    String message = "frame of 20 bytes: 100% over; naïve → \"quoted\"\nnext line";
    String encoded = GrpcStatusHeaders.percentEncode(message);
    for (char c : encoded.toCharArray()) {
      assertTrue(c >= 0x20 && c <= 0x7e, "printable ASCII only: " + encoded);
    }
    assertEquals("100%25 over", GrpcStatusHeaders.percentEncode("100% over"));
    assertEquals(message, GrpcStatusHeaders.percentDecode(encoded));
    // each byte of '%' (1), 'ï' (2), '→' (3) and the newline (1) becomes three characters
    assertEquals(message.getBytes(StandardCharsets.UTF_8).length + 2 * (1 + 2 + 3 + 1), encoded.length(), encoded);
  }
}
