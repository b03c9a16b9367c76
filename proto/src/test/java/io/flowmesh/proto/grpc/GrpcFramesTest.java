package io.flowmesh.proto.grpc;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GrpcFramesTest {

  private final List<Buffer> messages = new ArrayList<>();
  private final List<String> malformed = new ArrayList<>();

  private GrpcFrameReader reader(int max) {
    return new GrpcFrameReader(max, "source.udsource.max-message-size", new GrpcFrameReader.Sink() {
      @Override
      public boolean onMessage(Buffer message) {
        messages.add(message.copy());
        return true;
      }

      @Override
      public void onMalformed(String detail) {
        malformed.add(detail);
      }
    });
  }

  @Test
  void aFrameIsTheFlagTheBigEndianLengthAndTheMessage() throws Exception {
    MapResponse m = MapResponse.newBuilder().setId("42").build();
    byte[] frame = GrpcFrames.frame(m);
    assertEquals(0, frame[0]);
    assertEquals(m.getSerializedSize(), Buffer.buffer(frame).getInt(1));
    assertArrayEquals(m.toByteArray(), java.util.Arrays.copyOfRange(frame, 5, frame.length));
  }

  @Test
  void messagesSplitAcrossDataFramesAreReassembled() throws Exception {
    Buffer body = Buffer.buffer();
    for (int i = 0; i < 3; i++) {
      body.appendBytes(GrpcFrames.frame(MapResponse.newBuilder().setId("id-" + i).build()));
    }
    GrpcFrameReader reader = reader(1024);
    for (int i = 0; i < body.length(); i += 3) {
      reader.feed(body.slice(i, Math.min(body.length(), i + 3)));
    }
    assertEquals(3, messages.size());
    for (int i = 0; i < 3; i++) {
      assertEquals("id-" + i, MapResponse.parseFrom(messages.get(i).getBytes()).getId());
    }
    assertEquals(0, reader.pendingBytes());
  }

  /** {@code n} answers with ids {@code id-0} on and values of 0 to 699 random bytes, framed one after the other. */
  private static Buffer randomBody(java.util.Random random, int n) {
    Buffer body = Buffer.buffer();
    for (int i = 0; i < n; i++) {
      byte[] value = new byte[random.nextInt(700)];
      random.nextBytes(value);
      body.appendBytes(GrpcFrames.frame(MapResponse.newBuilder().setId("id-" + i)
          .addResults(MapResponse.Result.newBuilder().setValue(ByteString.copyFrom(value))).build()));
    }
    return body;
  }

  /** Feeds {@code body} in pieces from 1 byte (a prefix cut in two) to several whole messages at once. */
  private static void feedInPieces(GrpcFrameReader reader, Buffer body, java.util.Random random) {
    for (int i = 0; i < body.length(); ) {
      int end = Math.min(body.length(), i + 1 + random.nextInt(random.nextBoolean() ? 8 : 3000));
      reader.feed(body.slice(i, end));
      i = end;
    }
  }

  @Test
  void messagesCutAnywhereByPiecesOfAnySizeAreReassembledInOrder() throws Exception {
    java.util.Random random = new java.util.Random(7);
    int n = 500;
    GrpcFrameReader reader = reader(1024);
    feedInPieces(reader, randomBody(random, n), random);
    assertEquals(List.of(), malformed);
    assertEquals(n, messages.size());
    for (int i = 0; i < n; i++) {
      assertEquals("id-" + i, MapResponse.parseFrom(messages.get(i).getBytes()).getId());
    }
    assertEquals(0, reader.pendingBytes());
  }

  /** What an {@link GrpcFrameReader.ArraySink} is handed: each message's range, and the array it lies in. */
  private record Range(byte[] array, int offset, int length) {
    byte[] bytes() {
      return java.util.Arrays.copyOfRange(array, offset, offset + length);
    }
  }

  private GrpcFrameReader arrayReader(List<Range> into) {
    return new GrpcFrameReader(1024, "udf.max-message-size", new GrpcFrameReader.ArraySink() {
      @Override
      public boolean onMessage(byte[] array, int offset, int length) {
        into.add(new Range(array, offset, length));
        return true;
      }

      @Override
      public void onMalformed(String detail) {
        malformed.add(detail);
      }
    });
  }

  @Test
  void anArraySinkGetsMessagesCutAnywhereWholeAndInOrder() throws Exception {
    java.util.Random random = new java.util.Random(11);
    int n = 500;
    List<Range> got = new ArrayList<>();
    GrpcFrameReader reader = arrayReader(got);
    feedInPieces(reader, randomBody(random, n), random);
    assertEquals(List.of(), malformed);
    assertEquals(n, got.size());
    for (int i = 0; i < n; i++) {
      assertEquals("id-" + i, MapResponse.parseFrom(got.get(i).bytes()).getId());
    }
    assertEquals(0, reader.pendingBytes());
  }

  @Test
  void anArraySinkReadsAnUnpooledHeapPieceInPlaceAndAPooledPieceFromACopy() throws Exception {
    MapResponse first = MapResponse.newBuilder().setId("one").build();
    MapResponse second = MapResponse.newBuilder().setId("two").build();
    byte[] one = first.toByteArray();
    byte[] two = second.toByteArray();
    Buffer body = Buffer.buffer().appendBytes(GrpcFrames.frame(first)).appendBytes(GrpcFrames.frame(second));
    byte[] bodyBytes = body.getBytes();

    List<Range> heap = new ArrayList<>();
    Buffer heapPiece = io.vertx.core.internal.buffer.BufferInternal.buffer(io.netty.buffer.Unpooled.wrappedBuffer(bodyBytes));
    arrayReader(heap).feed(heapPiece);
    assertEquals(2, heap.size());
    assertTrue(heap.get(0).array() == bodyBytes && heap.get(1).array() == bodyBytes, "no copy of an unpooled heap piece");
    assertArrayEquals(one, heap.get(0).bytes());
    assertArrayEquals(two, heap.get(1).bytes());

    List<Range> vertx = new ArrayList<>();
    Buffer vertxPiece = Buffer.buffer(bodyBytes); // Vert.x's own heap buffer, what its HTTP/2 layer copies frames into
    arrayReader(vertx).feed(vertxPiece);
    byte[] vertxArray = ((io.vertx.core.internal.buffer.BufferInternal) vertxPiece).getByteBuf().array();
    assertTrue(vertx.get(0).array() == vertxArray && vertx.get(1).array() == vertxArray, "no copy of Vert.x's heap buffer");

    for (io.netty.buffer.ByteBufAllocator pool : new io.netty.buffer.ByteBufAllocator[] {
        io.netty.buffer.PooledByteBufAllocator.DEFAULT, new io.netty.buffer.AdaptiveByteBufAllocator()}) {
      List<Range> pooled = new ArrayList<>();
      io.netty.buffer.ByteBuf pooledBuf = pool.heapBuffer().writeBytes(bodyBytes);
      try {
        arrayReader(pooled).feed(io.vertx.core.internal.buffer.BufferInternal.buffer(pooledBuf));
        pooledBuf.setZero(0, pooledBuf.readableBytes()); // the pool may hand the array out again and it be overwritten
      } finally {
        pooledBuf.release();
      }
      assertEquals(2, pooled.size());
      assertArrayEquals(one, pooled.get(0).bytes(), "a piece of " + pool.getClass().getSimpleName() + " is read from a copy");
      assertArrayEquals(two, pooled.get(1).bytes());
    }
  }

  @Test
  void aMessageWhosePrefixIsCutIsHeldInOneBufferOfItsOwnSize() throws Exception {
    byte[] frame = GrpcFrames.frame(MapResponse.newBuilder().setId("cut").addResults(MapResponse.Result.newBuilder()
        .setValue(ByteString.copyFrom(new byte[4000]))).build());
    GrpcFrameReader reader = reader(8192);
    Buffer body = Buffer.buffer(frame);
    reader.feed(body.slice(0, 2));
    reader.feed(body.slice(2, 100));
    assertEquals(frame.length, reader.heldCapacity(), "sized once the prefix was whole, not grown by doubling");
    reader.feed(body.slice(100, 2000));
    assertEquals(frame.length, reader.heldCapacity());
    reader.feed(body.slice(2000, frame.length));
    assertEquals(1, messages.size());
    assertEquals("cut", MapResponse.parseFrom(messages.get(0).getBytes()).getId());
    assertEquals(0, reader.heldCapacity());
  }

  @Test
  void aMessageOverTheMaximumIsRefusedEvenWhenItsPrefixIsCutInTwo() {
    GrpcFrameReader reader = reader(1024);
    Buffer prefix = Buffer.buffer().appendByte((byte) 0).appendInt(2048);
    reader.feed(prefix.slice(0, 2));
    assertEquals(List.of(), malformed);
    reader.feed(prefix.slice(2, 5));
    assertEquals(1, malformed.size());
    assertTrue(malformed.get(0).contains("2048"), malformed.get(0));
  }

  @Test
  void aMessageOverTheMaximumIsRefusedBeforeItIsBuffered() {
    GrpcFrameReader reader = reader(1024);
    reader.feed(Buffer.buffer().appendByte((byte) 0).appendInt(2048));
    assertEquals(1, malformed.size());
    assertTrue(malformed.get(0).contains("2048"), malformed.get(0));
    assertTrue(malformed.get(0).contains("source.udsource.max-message-size 1024"), "names the key: " + malformed.get(0));
  }

  @Test
  void aCompressedMessageIsRefused() {
    GrpcFrameReader reader = reader(1024);
    reader.feed(Buffer.buffer().appendByte((byte) 1).appendInt(0));
    assertEquals(1, malformed.size());
    assertTrue(malformed.get(0).contains("compressed"), malformed.get(0));
  }
}
