package io.flowmesh.runtime.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.edge.v1.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

class Utf8TextTest {

  private static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }

  @Test
  void equalTextsAreEqualAsciiOrNot() {
    for (String s : new String[] {"", "k1", "a-much-longer-key-0123456789", "ключ", "clé", "鍵", "emoji \uD83D\uDE00"}) {
      assertTrue(Utf8Text.equal(s, utf8(s)), s);
    }
  }

  @Test
  void differentTextsAreNot() {
    assertFalse(Utf8Text.equal("k1", utf8("k2")));
    assertFalse(Utf8Text.equal("k1", utf8("k10")));
    assertFalse(Utf8Text.equal("k10", utf8("k1")));
    assertFalse(Utf8Text.equal("", utf8("k")));
    assertFalse(Utf8Text.equal("clé", utf8("cle")));
    assertFalse(Utf8Text.equal("cle", utf8("clé")));
    // Same length in chars and bytes, but one byte is not ASCII.
    assertFalse(Utf8Text.equal("ab", ByteString.copyFrom(new byte[] {'a', (byte) 0xE9})));
    assertFalse(Utf8Text.equal("鍵", utf8("ключ")));
  }

  @Test
  void bytesThatAreNotUtf8CompareAsTheirLenientDecoding() {
    ByteString bad = ByteString.copyFrom(new byte[] {'k', (byte) 0xFF});
    assertFalse(Utf8Text.equal("k?", bad));
    assertTrue(Utf8Text.equal("k\uFFFD", bad));
  }

  @Test
  void bytesAtGivesAParsedMessagesKeptBytesAndEncodesAPlainList() throws Exception {
    Message m = Message.parseFrom(Message.newBuilder().setId("m").addKeys("k1").addKeys("ключ").build().toByteArray());
    assertEquals(utf8("k1"), Utf8Text.bytesAt(m.getKeysList(), 0));
    assertEquals(utf8("ключ"), Utf8Text.bytesAt(m.getKeysList(), 1));
    assertSame(Utf8Text.bytesAt(m.getKeysList(), 1), Utf8Text.bytesAt(m.getKeysList(), 1), "the parsed bytes, not an encoding each time");
    assertEquals(utf8("ключ"), Utf8Text.bytesAt(List.of("k1", "ключ"), 1));
  }
}
