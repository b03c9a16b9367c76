package io.flowmesh.source.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.EdgeMessageBuilder;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The id and key a record's message gets, made without the per-record Strings they took before. */
class MessageIdTest {

  @Test
  void anIdIsTopicPartitionAndOffsetAndItsOffsetReadsBack() {
    PartitionState s = new PartitionState(new TopicPartition("orders.v2", 11), 0, new long[0], 0, 1);
    for (long offset : new long[] {0, 7, 9, 10, 99, 100, 123_456_789, 1L << 40, Long.MAX_VALUE}) {
      String id = s.id(offset);
      assertEquals("orders.v2/11/" + offset, id);
      assertEquals(offset, PartitionState.offsetOf(id));
    }
    assertEquals("orders.v2/11/5", s.id(5), "the buffer holds no digits of a longer id made before");
  }

  @Test
  void aUtf8KeyIsKeptAsItIsAndOtherBytesAreDecodedWithReplacementCharacters() {
    EdgeMessageBuilder b = EdgeMessage.newBuilder();
    PartitionState.addKey(b, "ключ-7".getBytes(StandardCharsets.UTF_8));
    PartitionState.addKey(b, new byte[] {'k', (byte) 0xff, 'x'});
    EdgeMessage m = b.build();
    assertEquals("ключ-7", m.getKeys(0));
    assertEquals("k\uFFFDx", m.getKeys(1));
  }
}
