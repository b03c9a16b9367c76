package io.flowmesh.runtime.buffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.flowmesh.runtime.edge.EdgeMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class Utf8TextTest {

  private static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }

  @Test
  void aParsedMessagesStringsAreHeldAsTheirBytesEvenOnceReadAsText() throws Exception {
    EdgeMessage m = EdgeMessage.parseFrom(EdgeMessage.newBuilder().setId("m").addKeys("k1").addKeys("ключ").build().toByteArray());
    assertEquals(utf8("k1"), Utf8Text.at(m.getKeysList(), 0));
    assertEquals(utf8("ключ"), Utf8Text.at(m.getKeysList(), 1));
    assertSame(Utf8Text.at(m.getKeysList(), 1), Utf8Text.at(m.getKeysList(), 1), "the parsed bytes, not an encoding each time");
    assertEquals("ключ", m.getKeys(1));
    assertEquals(utf8("ключ"), Utf8Text.at(m.getKeysList(), 1), "read as text, still held as the bytes");
    io.flowmesh.proto.edge.v1.Message generated = io.flowmesh.proto.edge.v1.Message.parseFrom(m.toByteArray());
    assertEquals(utf8("ключ"), Utf8Text.at(generated.getKeysList(), 1), "a generated message's lazy list too");
    assertEquals("ключ", generated.getKeys(1));
    assertEquals("ключ", Utf8Text.at(generated.getKeysList(), 1), "which keeps the text once read as text");
    assertEquals("k1", Utf8Text.at(List.of("k1", "ключ"), 0), "a plain list gives its Strings");
  }

  @Test
  void bytesThatAreNotUtf8AreGivenDecodedLeniently() throws Exception {
    ByteString bad = ByteString.copyFrom(new byte[] {'k', (byte) 0xFF});
    EdgeMessage m = EdgeMessage.parseFrom(EdgeMessage.newBuilder().setId("m").addKeysBytes(bad).build().toByteArray());
    assertEquals("k\uFFFD", Utf8Text.at(m.getKeysList(), 0));
    assertEquals("k\uFFFD", Utf8Text.checked(bad));
    ByteString good = utf8("clé");
    assertSame(good, Utf8Text.checked(good));
  }

  @Test
  void aFieldIsWrittenTheSameFromTextOrBytes() throws Exception {
    for (String s : new String[] {"", "k1", "clé", "鍵"}) {
      byte[] fromText = write(5, s);
      byte[] fromBytes = write(5, utf8(s));
      assertArrayEquals(fromText, fromBytes, s);
      assertEquals(Utf8Text.fieldSize(5, s), fromText.length);
      assertEquals(Utf8Text.fieldSize(5, utf8(s)), fromBytes.length);
    }
  }

  private static byte[] write(int field, Object text) throws Exception {
    byte[] out = new byte[Utf8Text.fieldSize(field, text)];
    CodedOutputStream cos = CodedOutputStream.newInstance(out);
    Utf8Text.write(cos, field, text);
    cos.checkNoSpaceLeft();
    return out;
  }

  @Test
  void joinedIsHeadSeparatorAndTheNumberInDecimal() {
    for (long n : new long[] {0, 7, 9, 10, 99, 100, 4711, Integer.MAX_VALUE, Long.MAX_VALUE}) {
      assertEquals("src-" + n, Utf8Text.joined(utf8("src"), '-', n).toStringUtf8());
      assertEquals("ünï/" + n, Utf8Text.joined(utf8("ünï"), '/', n).toStringUtf8());
    }
    assertEquals("/3", Utf8Text.joined(ByteString.EMPTY, '/', 3).toStringUtf8());
    assertThrows(IllegalArgumentException.class, () -> Utf8Text.joined(utf8("x"), '/', -1));
    assertThrows(IllegalArgumentException.class, () -> Utf8Text.joined(utf8("x"), 'é', 1));
  }
}
