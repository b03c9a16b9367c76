package io.flowmesh.sink.writer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.flowmesh.runtime.edge.EdgeMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The record value the Kafka sink hands the producer: the message's own array when it is one, else a copy. */
class KafkaValueBytesTest {

  private final KafkaWriter.ValueBytes values = new KafkaWriter.ValueBytes();

  @Test
  void aParsedMessagesValueIsHandedOverWithoutACopyAndHasItsBytes() throws Exception {
    byte[] wire = EdgeMessage.newBuilder().setId("a").setValue(ByteString.copyFromUtf8("hello kafka")).build().toByteArray();
    ByteString value = EdgeMessage.parseFrom(wire).getValue();
    byte[] out = values.of(value);
    assertArrayEquals("hello kafka".getBytes(StandardCharsets.UTF_8), out);
    assertSame(out, values.of(value), "the ByteString's own array, not a copy");
  }

  @Test
  void partOfAnArrayAPieceOfSeveralAndABufferAreCopied() {
    byte[] big = "0123456789".getBytes(StandardCharsets.US_ASCII);
    assertArrayEquals("2345".getBytes(StandardCharsets.US_ASCII), values.of(UnsafeByteOperations.unsafeWrap(big, 2, 4)));
    ByteString rope = ByteString.copyFromUtf8("x".repeat(200)).concat(ByteString.copyFromUtf8("y".repeat(200)));
    assertArrayEquals(rope.toByteArray(), values.of(rope));
    assertArrayEquals(big, values.of(UnsafeByteOperations.unsafeWrap(ByteBuffer.wrap(big))));
    assertEquals(0, values.of(ByteString.EMPTY).length);
    byte[] whole = {1, 2, 3};
    assertSame(whole, values.of(UnsafeByteOperations.unsafeWrap(whole)), "after copies, a whole array is again not copied");
  }
}
