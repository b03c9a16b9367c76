package io.flowmesh.sink.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class NdjsonFormatTest {

  private static String encode(EdgeMessage... ms) {
    OutBuffer out = new OutBuffer();
    for (EdgeMessage m : ms) {
      NdjsonFormat.encode(m, out);
    }
    return new String(out.array(), 0, out.length(), StandardCharsets.UTF_8);
  }

  @Test
  void aLineHoldsIdKeysEventTimeAndTheValueAsText() {
    String line = encode(EdgeMessage.newBuilder().setId("src-1").addKeys("k0").addKeys("k1").setEventTime(1714564800123L)
        .setValue(ByteString.copyFromUtf8("hello")).build());
    assertEquals("{\"id\":\"src-1\",\"keys\":[\"k0\",\"k1\"],\"event_time\":1714564800123,\"value\":\"hello\"}\n", line);
  }

  @Test
  void tagsFollowTheKeysWhenTheMessageHasAny() {
    String line = encode(EdgeMessage.newBuilder().setId("m-1/0").addKeys("k0").addTags("red").addTags("big \"one\"").setEventTime(7)
        .setValue(ByteString.copyFromUtf8("v")).build());
    assertEquals("{\"id\":\"m-1/0\",\"keys\":[\"k0\"],\"tags\":[\"red\",\"big \\\"one\\\"\"],\"event_time\":7,\"value\":\"v\"}\n",
        line);
    assertEquals(new JsonArray().add("red").add("big \"one\""), new JsonObject(line).getJsonArray("tags"));
    assertFalse(new JsonObject(encode(EdgeMessage.newBuilder().setId("untagged").build())).containsKey("tags"),
        "no tags field for a message without tags");
  }

  @Test
  void quotesBackslashesControlCharactersAndNonAsciiTextSurviveARoundTrip() {
    String text = "a \"quoted\" \\ line\nwith\ttabs \u0001 and é, 日本, 😀";
    String line = encode(EdgeMessage.newBuilder().setId("id-é\n").addKeys("k\"").setValue(ByteString.copyFromUtf8(text)).build());
    assertTrue(line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, "one line: " + line);
    JsonObject o = new JsonObject(line);
    assertEquals(text, o.getString("value"));
    assertEquals("id-é\n", o.getString("id"));
    assertEquals(new JsonArray().add("k\""), o.getJsonArray("keys"));
    assertEquals(0L, o.getLong("event_time"));
  }

  @Test
  void bytesThatAreNotUtf8AreWrittenAsBase64() {
    for (int n = 0; n < 8; n++) {
      byte[] b = new byte[n + 1];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) (0xff - i * 7);
      }
      JsonObject o = new JsonObject(encode(EdgeMessage.newBuilder().setId("x").setValue(ByteString.copyFrom(b)).build()));
      assertFalse(o.containsKey("value"));
      assertEquals(Base64.getEncoder().encodeToString(b), o.getString("value_base64"), "length " + b.length);
    }
  }

  @Test
  void anEmptyValueIsAnEmptyString() {
    JsonObject o = new JsonObject(encode(EdgeMessage.newBuilder().setId("e").build()));
    assertEquals("", o.getString("value"));
    assertEquals(new JsonArray(), o.getJsonArray("keys"));
  }

  @Test
  void manyLinesAppendToOneBufferThatGrows() {
    EdgeMessage m = EdgeMessage.newBuilder().setId("m").setValue(ByteString.copyFromUtf8("v".repeat(1000))).build();
    EdgeMessage[] all = new EdgeMessage[500];
    java.util.Arrays.fill(all, m);
    String text = encode(all);
    assertEquals(500, text.lines().count());
    text.lines().forEach(l -> assertEquals(1000, new JsonObject(l).getString("value").length()));
  }
}
