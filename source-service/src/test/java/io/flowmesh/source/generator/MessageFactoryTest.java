package io.flowmesh.source.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.source.engine.IdSequence;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageFactoryTest {

  private static MessageFactory factory(int keys, String value) {
    return new MessageFactory(new GeneratorConfig(0, 50, keys, false, null, null, value, Duration.ZERO), new IdSequence("t"));
  }

  @Test
  void messagesCarryIdKeyRoundRobinValueAndTimes() throws Exception {
    MessageFactory f = factory(3, null);
    EdgeMessage[] m = new EdgeMessage[7];
    for (int i = 0; i < m.length; i++) {
      m[i] = f.next(1_000 + i);
      assertEquals("t-" + i, m[i].getId());
      assertEquals(List.of("k" + i % 3), m[i].getKeysList());
      assertEquals(50, m[i].getValue().size());
      assertEquals(1_000 + i, m[i].getIngestTime());
      assertEquals(1_000 + i, m[i].getEventTime(), "no jitter: event time is the ingest time");
      assertEquals(0, m[i].getHeadersCount());
      assertTrue(m[i].getTagsList().isEmpty());
      // What a peer reads is the same message.
      assertEquals(m[i], EdgeMessage.parseFrom(m[i].toByteArray()));
    }
  }

  @Test
  void withoutKeysMessagesHaveNone() {
    MessageFactory f = factory(0, "fixed");
    EdgeMessage a = f.next(5);
    assertEquals(0, a.getKeysCount());
    assertEquals("fixed", a.getValue().toStringUtf8());
    assertEquals("t-0", a.getId());
  }
}
