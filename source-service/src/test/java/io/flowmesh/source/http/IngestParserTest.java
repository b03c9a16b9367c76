package io.flowmesh.source.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.EdgeMessageBuilder;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngestParserTest {

  private final IngestParser parser = new IngestParser(1024);

  @Test
  void aSingleBodyIsTheValueWithKeysAndEventTimeFromTheHeaders() throws Exception {
    IngestParser.Parsed p = parser.single(" a, b ,,c", "2024-05-01T12:00:00Z", Buffer.buffer("hello"), 7);
    EdgeMessage m = p.messages().get(0).setId("x").build();
    assertEquals("hello", m.getValue().toStringUtf8());
    assertEquals(List.of("a", "b", "c"), m.getKeysList());
    assertEquals(1714564800000L, m.getEventTime());
    assertEquals(5, p.bytes());
  }

  @Test
  void withoutAnEventTimeTheArrivalTimeIsUsed() throws Exception {
    EdgeMessage m = parser.single(null, null, Buffer.buffer("v"), 1234).messages().get(0).setId("x").build();
    assertEquals(1234, m.getEventTime());
    assertEquals(0, m.getKeysCount());
  }

  @Test
  void ndjsonLinesCarryTheirOwnFieldsAndFallBackToTheHeaders() throws Exception {
    String body = "{\"value\":\"héllo\",\"keys\":[\"k1\"],\"event_time\":1000}\n\n"
        + "{\"value_base64\":\"AAEC/w==\"}\r\n"
        + "{\"value\":\"x\",\"event_time\":\"2024-05-01T12:00:00.5+02:00\"}";
    List<EdgeMessageBuilder> ms = parser.ndjson("h", "2000", Buffer.buffer(body), 9).messages();
    assertEquals(3, ms.size());
    assertEquals("héllo", ms.get(0).getValue().toStringUtf8());
    assertEquals(List.of("k1"), ms.get(0).getKeysList());
    assertEquals(1000, ms.get(0).getEventTime());
    assertEquals(4, ms.get(1).getValue().size());
    assertEquals((byte) 0xff, ms.get(1).getValue().byteAt(3));
    assertEquals(List.of("h"), ms.get(1).getKeysList());
    assertEquals(2000, ms.get(1).getEventTime());
    assertEquals(1714557600500L, ms.get(2).getEventTime());
  }

  @Test
  void aBadLineIsRefusedNamingItsNumber() {
    String body = "{\"value\":\"ok\"}\n{\"value\":1}\n";
    BadRequestException e = assertThrows(BadRequestException.class, () -> parser.ndjson(null, null, Buffer.buffer(body), 0));
    assertEquals(400, e.status());
    assertTrue(e.getMessage().startsWith("line 2:"), e.getMessage());
    e = assertThrows(BadRequestException.class, () -> parser.ndjson(null, null, Buffer.buffer("not json"), 0));
    assertTrue(e.getMessage().contains("line 1: not a JSON object"), e.getMessage());
    e = assertThrows(BadRequestException.class, () -> parser.ndjson(null, null, Buffer.buffer("{\"keys\":[]}"), 0));
    assertTrue(e.getMessage().contains("exactly one of"), e.getMessage());
    e = assertThrows(BadRequestException.class, () -> parser.ndjson(null, null, Buffer.buffer("\n \n"), 0));
    assertTrue(e.getMessage().contains("no message"), e.getMessage());
  }

  @Test
  void aBadEventTimeHeaderIsRefusedSayingWhatIsAllowed() {
    BadRequestException e = assertThrows(BadRequestException.class,
        () -> parser.single(null, "yesterday", Buffer.buffer("v"), 0));
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("X-Flowmesh-Event-Time") && e.getMessage().contains("ISO-8601"), e.getMessage());
  }

  @Test
  void aValueOverTheEdgesMessageLimitIsTooLarge() {
    BadRequestException e = assertThrows(BadRequestException.class,
        () -> parser.single(null, null, Buffer.buffer(new byte[1025]), 0));
    assertEquals(413, e.status());
    assertTrue(e.getMessage().contains("edge.max-message-bytes=1024"), e.getMessage());
  }
}
