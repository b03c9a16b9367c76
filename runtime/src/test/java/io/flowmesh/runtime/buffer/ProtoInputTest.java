package io.flowmesh.runtime.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.edge.v1.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProtoInputTest {

  private static final byte[] FRAME = Message.newBuilder().setId("m-1")
      .setValue(ByteString.copyFromUtf8("value-bytes")).build().toByteArray();
  /** Where the value's bytes start in {@link #FRAME}: after the id field and the value's tag and length. */
  private static final int VALUE_AT = indexOf(FRAME, "value-bytes".getBytes(StandardCharsets.UTF_8));

  @Test
  void aliasingParsesValuesAsSlicesOfAnUnpooledHeapBuffer() throws Exception {
    Buffer frame = Buffer.buffer(FRAME);
    Message m = Message.parseFrom(ProtoInput.aliasing(frame));
    assertEquals("value-bytes", m.getValue().toStringUtf8());
    assertEquals("m-1", m.getId());
    frame.setByte(VALUE_AT, (byte) 'V');
    assertEquals("Value-bytes", m.getValue().toStringUtf8(), "the value is a view of the frame's bytes, not a copy");
  }

  @Test
  void anEdgeMessagesIdIsKeptAsTheFramesBytesUndecoded() throws Exception {
    Buffer frame = Buffer.buffer(FRAME);
    Message m = Message.parseFrom(ProtoInput.aliasing(frame));
    int idAt = indexOf(FRAME, "m-1".getBytes(StandardCharsets.UTF_8));
    frame.setByte(idAt, (byte) 'M');
    assertEquals("M-1", m.getIdBytes().toStringUtf8(), "the id is a view of the frame's bytes: not decoded, not copied");
    assertEquals("M-1", m.getId());
  }

  @Test
  void anIdThatIsNotUtf8ParsesAndKeepsItsBytes() throws Exception {
    // A proto3 string field would refuse this at parse time; the edge's strings are only decoded when read as text.
    byte[] notUtf8 = {'i', 'd', (byte) 0xC3, (byte) 0x28};
    byte[] wire = Message.newBuilder().setIdBytes(ByteString.copyFrom(notUtf8)).build().toByteArray();
    Message m = Message.parseFrom(ProtoInput.aliasing(Buffer.buffer(wire)));
    assertEquals(ByteString.copyFrom(notUtf8), m.getIdBytes());
    assertEquals("id\uFFFD(", m.getId(), "read as text, the bad sequence is replaced");
  }

  @Test
  void ofCopiesValuesOutOfTheBuffer() throws Exception {
    Buffer frame = Buffer.buffer(FRAME);
    Message m = Message.parseFrom(ProtoInput.of(frame));
    frame.setByte(VALUE_AT, (byte) 'V');
    assertEquals("value-bytes", m.getValue().toStringUtf8());
  }

  @Test
  void aliasingCopiesValuesOutOfAPooledBuffer() throws Exception {
    ByteBuf pooled = PooledByteBufAllocator.DEFAULT.heapBuffer(FRAME.length).writeBytes(FRAME);
    try {
      Buffer frame = BufferInternal.buffer(pooled);
      Message m = Message.parseFrom(ProtoInput.aliasing(frame));
      frame.setByte(VALUE_AT, (byte) 'V');
      assertEquals("value-bytes", m.getValue().toStringUtf8(), "a pooled array is handed out again: never aliased");
    } finally {
      pooled.release();
    }
  }

  @Test
  void aliasingReadsASliceOfALargerBufferFromItsOwnOffset() throws Exception {
    Buffer whole = Buffer.buffer().appendString("prefix").appendBytes(FRAME).appendString("suffix");
    Buffer frame = whole.slice(6, 6 + FRAME.length);
    Message m = Message.parseFrom(ProtoInput.aliasing(frame));
    assertEquals("value-bytes", m.getValue().toStringUtf8());
    whole.setByte(6 + VALUE_AT, (byte) 'V');
    assertEquals("Value-bytes", m.getValue().toStringUtf8());
  }

  private static int indexOf(byte[] in, byte[] what) {
    for (int i = 0; i + what.length <= in.length; i++) {
      int j = 0;
      while (j < what.length && in[i + j] == what[j]) {
        j++;
      }
      if (j == what.length) {
        return i;
      }
    }
    throw new IllegalStateException("not found");
  }
}
