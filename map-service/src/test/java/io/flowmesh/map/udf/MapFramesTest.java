package io.flowmesh.map.udf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.udf.map.v1.MapRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.junit.jupiter.api.Test;

class MapFramesTest {

  @Test
  void aRequestFrameIsTheLengthPrefixedMapRequestWithItsIdInDecimal() throws Exception {
    MapRequest.Request r = MapRequest.Request.newBuilder().addKeys("k0").setValue(ByteString.copyFromUtf8("v")).build();
    MapFrames frames = new MapFrames();
    for (long id : new long[] {1, 9, 10, 42, 1_000_000_007L, Long.MAX_VALUE}) {
      ByteBuf out = Unpooled.buffer();
      frames.appendRequest(out, new TestElement(0, "v"), id);
      assertFrame(BufferInternal.buffer(out), id, r);
    }
  }

  @Test
  void requestsAppendedToATurnsDirectBufferAndToABufferOfPiecesReadTheSame() throws Exception {
    MapRequest.Request r = MapRequest.Request.newBuilder().addKeys("k0").setValue(ByteString.copyFromUtf8("v")).build();
    MapFrames frames = new MapFrames();
    // A turn buffer: pooled direct memory, grown as requests are written into it in place.
    ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(8);
    // A buffer of two pieces cannot be written in place: the scratch array's copy is appended.
    CompositeByteBuf pieces = Unpooled.compositeBuffer();
    try {
      for (ByteBuf out : new ByteBuf[] {direct, pieces}) {
        Buffer all = Buffer.buffer();
        for (long id = 1; id <= 300; id++) {
          int before = out.writerIndex();
          frames.appendRequest(out, new TestElement(0, "v"), id);
          all.appendBuffer(BufferInternal.buffer(out).getBuffer(before, out.writerIndex()));
        }
        int at = 0;
        for (long id = 1; id <= 300; id++) {
          int size = 5 + all.getInt(at + 1);
          assertFrame(all.getBuffer(at, at + size), id, r);
          at += size;
        }
        assertEquals(all.length(), at, "nothing after the last frame");
      }
    } finally {
      direct.release();
      pieces.release();
    }
  }

  private static void assertFrame(Buffer out, long id, MapRequest.Request r) throws Exception {
    byte[] expected = MapRequest.newBuilder().setRequest(r).setId(Long.toString(id)).build().toByteArray();
    assertEquals(0, out.getByte(0));
    assertEquals(expected.length, out.getInt(1), "id " + id);
    assertArrayEquals(expected, out.getBytes(5, out.length()), "id " + id);
    assertEquals(out.length(), MapFrames.requestFrameSize(new TestElement(0, "v"), Long.toString(id).length()));
  }

  @Test
  void theHandshakeIsAMapRequestWithSotAndNoId() throws Exception {
    MapRequest handshake = MapRequest.parseFrom(Buffer.buffer(MapFrames.HANDSHAKE).getBytes(5, MapFrames.HANDSHAKE.length));
    assertEquals(true, handshake.getHandshake().getSot());
    assertEquals("", handshake.getId());
  }
}
