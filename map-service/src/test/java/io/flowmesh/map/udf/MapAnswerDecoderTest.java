package io.flowmesh.map.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.flowmesh.proto.udf.map.v1.Handshake;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.flowmesh.proto.udf.map.v1.TransmissionStatus;
import io.flowmesh.runtime.edge.Texts;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written reader of {@code MapResponse} agrees with protobuf's generated parser on every
 * input, well-formed or not, and takes the hand path for what servers send.
 */
class MapAnswerDecoderTest {

  private static final String[] IDS = {"", "1", "7", "42", "1000000", Long.toString(Long.MAX_VALUE), "0", "01", "-3",
      "abc", "9223372036854775808", "é1", "１"};
  private static final String[] ASCII = {"", "k", "key-1", "\\__DROP__", "U+005C__DROP__", "a\u0000b"};
  private static final String[] TEXTS = {"", "k", "key-1", "\\__DROP__", "U+005C__DROP__", "ключ", "a\u0000b"};

  @Test
  void aCatAnswerTakesTheHandPathAndItsValueIsASliceOfTheFrame() throws Exception {
    byte[] value = "hello, world".getBytes();
    byte[] wire = MapResponse.newBuilder().setId("1234")
        .addResults(MapResponse.Result.newBuilder().setValue(ByteString.copyFrom(value))).build().toByteArray();
    MapAnswer a = MapAnswerDecoder.read(wire, 0, wire.length);
    assertNotNull(a, "the hand path reads an id and one result");
    assertEquals(1234, a.id);
    assertEquals(1, a.results.size());
    assertEquals("hello, world", a.results.get(0).value().toStringUtf8());
    assertEquals(List.of(), a.results.get(0).keys());
    int at = indexOf(wire, value);
    wire[at] = 'J';
    assertEquals("Jello, world", a.results.get(0).value().toStringUtf8(), "the value aliases the frame's array");
  }

  @Test
  void keysAndTagsAreSlicesOfTheFrameBesideAValueAndCopiesWithout() throws Exception {
    byte[] wire = MapResponse.newBuilder().setId("9")
        .addResults(MapResponse.Result.newBuilder().addKeys("key-a").setValue(ByteString.copyFromUtf8("v")).addTags("tag-a"))
        .addResults(MapResponse.Result.newBuilder().addKeys("key-b").addTags("tag-b")).build().toByteArray();
    MapAnswer a = MapAnswerDecoder.read(wire, 0, wire.length);
    assertNotNull(a);
    Texts withValue = (Texts) a.results.get(0).keys();
    Texts without = (Texts) a.results.get(1).keys();
    assertTrue(withValue.raw(0) instanceof ByteString && without.raw(0) instanceof ByteString, "held as bytes, not decoded");
    Arrays.fill(wire, (byte) '#');
    assertEquals("#####", withValue.get(0), "beside a value (which keeps the frame anyway): a slice of the frame");
    assertEquals(List.of("key-b"), without, "without a value: its own copy, so it alone does not keep the frame");
    assertEquals(List.of("tag-b"), a.results.get(1).tags());
  }

  @Test
  void handshakesEotsKeysAndTagsTakeTheHandPath() {
    MapResponse[] shapes = {
        MapResponse.newBuilder().setHandshake(Handshake.newBuilder().setSot(true)).build(),
        MapResponse.newBuilder().setStatus(TransmissionStatus.newBuilder().setEot(true)).build(),
        MapResponse.newBuilder().setId("5").setStatus(TransmissionStatus.newBuilder().setEot(true)).build(),
        MapResponse.newBuilder().setId("6").addResults(MapResponse.Result.newBuilder().addKeys("a").addKeys("b")
            .setValue(ByteString.copyFromUtf8("v")).addTags("t")).addResults(MapResponse.Result.getDefaultInstance()).build(),
        MapResponse.newBuilder().setId("8").build(),
    };
    for (MapResponse r : shapes) {
      assertReadByHand(r);
    }
  }

  @Test
  void whatTheHandPathLeavesTheParserReadsTheSame() throws Exception {
    MapResponse withUnknown = MapResponse.newBuilder().setId("9").setUnknownFields(UnknownFieldSet.newBuilder()
        .addField(15, UnknownFieldSet.Field.newBuilder().addVarint(3).build()).build()).build();
    MapResponse foreignId = MapResponse.newBuilder().setId("abc").build();
    assertEquals(MapResponse.newBuilder().setId("9").build(), decode(withUnknown.toByteArray()).toResponse(),
        "the unknown field is skipped");
    MapResponse unicodeKey = MapResponse.newBuilder().setId("3").addResults(MapResponse.Result.newBuilder().addKeys("ключ")).build();
    for (MapResponse r : new MapResponse[] {withUnknown, foreignId, unicodeKey}) {
      byte[] wire = r.toByteArray();
      assertNull(MapAnswerDecoder.read(wire, 0, wire.length), r.toString());
      assertEquals(MapAnswer.of(MapResponse.parseFrom(wire)).toResponse(), decode(wire).toResponse());
    }
    MapAnswer foreign = decode(foreignId.toByteArray());
    assertEquals(MapAnswer.FOREIGN_ID, foreign.id);
    assertEquals("abc", foreign.idText());
  }

  @Test
  void randomAnswersReadAsTheGeneratedParserReadsThem() throws Exception {
    Random random = new Random(17);
    for (int i = 0; i < 5_000; i++) {
      MapResponse r = randomResponse(random);
      byte[] wire = r.toByteArray();
      assertEquals(r, decode(wire).toResponse(), r.toString());
    }
  }

  /** What servers send — decimal ids, ASCII keys and tags, known fields — never needs the parser. */
  @Test
  void randomAnswersOfOurIdsAndAsciiTextsTakeTheHandPath() {
    Random random = new Random(29);
    for (int i = 0; i < 2_000; i++) {
      MapResponse.Builder b = MapResponse.newBuilder().setId(Long.toString(1 + random.nextInt(1 << 30)));
      for (int n = random.nextInt(3); n > 0; n--) {
        MapResponse.Result.Builder r = MapResponse.Result.newBuilder().setValue(ByteString.copyFromUtf8("v" + i));
        for (int k = random.nextInt(3); k > 0; k--) {
          r.addKeys(ASCII[random.nextInt(ASCII.length)]);
          r.addTags(ASCII[random.nextInt(ASCII.length)]);
        }
        b.addResults(r);
      }
      if (random.nextBoolean()) {
        b.setStatus(TransmissionStatus.newBuilder().setEot(random.nextBoolean()));
      }
      assertReadByHand(b.build());
    }
  }

  /** {@code r}'s wire form is read on the hand path (no parser), into an answer equal to {@code r}. */
  private static void assertReadByHand(MapResponse r) {
    byte[] wire = r.toByteArray();
    MapAnswer a = MapAnswerDecoder.read(wire, 0, wire.length);
    assertNotNull(a, "fell back to the parser: " + r);
    assertEquals(r, a.toResponse());
  }

  /**
   * Two answers written one after the other read as protobuf merges them: the later id, value and
   * flags win (an absent one leaves the earlier), results and keys add up.
   */
  @Test
  void concatenatedAnswersMergeAsProtobufMergesThem() throws Exception {
    Random random = new Random(31);
    for (int i = 0; i < 5_000; i++) {
      MapResponse first = randomResponse(random);
      MapResponse second = randomResponse(random);
      byte[] wire = concat(first.toByteArray(), second.toByteArray());
      MapResponse merged = first.toBuilder().mergeFrom(second).build();
      assertEquals(MapAnswer.of(merged).toResponse(), decode(wire).toResponse(), () -> first + " + " + second);
    }
  }

  /**
   * Flipped, cut and inserted bytes: where the parser refuses the input the decoder refuses it with
   * the parser's words, and where the parser reads something the decoder reads the same.
   */
  @Test
  void damagedAnswersAreRefusedOrReadExactlyAsTheParserDoes() throws Exception {
    Random random = new Random(23);
    int refused = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] wire = damage(randomResponse(random).toByteArray(), random);
      MapResponse expected;
      try {
        expected = MapResponse.parseFrom(wire);
      } catch (InvalidProtocolBufferException e) {
        InvalidProtocolBufferException got = assertThrows(InvalidProtocolBufferException.class,
            () -> decode(wire), () -> "accepted what the parser refused: " + hex(wire));
        assertEquals(e.getMessage(), got.getMessage());
        refused++;
        continue;
      }
      MapAnswer a = decode(wire);
      // Unknown fields, which the parser keeps and the answer has no place for, compared away.
      assertEquals(MapAnswer.of(expected).toResponse(), a.toResponse(), () -> hex(wire));
    }
    assertTrue(refused > 1_000 && refused < 19_000, "both kinds were tried: " + refused + " of 20,000 refused");
  }

  @Test
  void anIdIsOursOnlyAsLongToStringWritesIt() {
    assertEquals(MapAnswer.NO_ID, answer("").id);
    assertEquals(12, answer("12").id);
    assertEquals(Long.MAX_VALUE, answer(Long.toString(Long.MAX_VALUE)).id);
    for (String foreign : new String[] {"0", "012", "+1", "1 ", "9223372036854775808", "99999999999999999999"}) {
      MapAnswer a = answer(foreign);
      assertEquals(MapAnswer.FOREIGN_ID, a.id, foreign);
      assertEquals(foreign, a.idText());
      assertTrue(a.hasId());
    }
    assertFalse(answer("").hasId());
  }

  private static MapAnswer answer(String id) {
    try {
      return decode(MapResponse.newBuilder().setId(id).build().toByteArray());
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static MapResponse randomResponse(Random random) {
    MapResponse.Builder b = MapResponse.newBuilder();
    int kind = random.nextInt(10);
    if (kind < 6) {
      b.setId(random.nextInt(4) == 0 ? IDS[random.nextInt(IDS.length)] : Long.toString(1 + random.nextInt(1 << 20)));
    }
    int results = random.nextInt(8) == 0 ? random.nextInt(4) : kind < 6 ? 1 : 0;
    for (int i = 0; i < results; i++) {
      MapResponse.Result.Builder r = MapResponse.Result.newBuilder();
      for (int k = random.nextInt(4) == 0 ? random.nextInt(3) : 0; k > 0; k--) {
        r.addKeys(TEXTS[random.nextInt(TEXTS.length)]);
      }
      byte[] value = new byte[random.nextInt(4) == 0 ? random.nextInt(300) : 20];
      random.nextBytes(value);
      r.setValue(ByteString.copyFrom(value));
      for (int t = random.nextInt(4) == 0 ? random.nextInt(3) : 0; t > 0; t--) {
        r.addTags(TEXTS[random.nextInt(TEXTS.length)]);
      }
      b.addResults(r);
    }
    if (kind == 6 || random.nextInt(20) == 0) {
      b.setHandshake(Handshake.newBuilder().setSot(random.nextBoolean()));
    }
    if (kind >= 7 || random.nextInt(20) == 0) {
      b.setStatus(TransmissionStatus.newBuilder().setEot(random.nextBoolean()));
    }
    return b.build();
  }

  private static byte[] damage(byte[] wire, Random random) {
    if (wire.length == 0) {
      return new byte[] {(byte) random.nextInt(256)};
    }
    switch (random.nextInt(3)) {
      case 0 -> {
        byte[] out = wire.clone();
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
          out[random.nextInt(out.length)] = (byte) random.nextInt(256);
        }
        return out;
      }
      case 1 -> {
        byte[] out = new byte[random.nextInt(wire.length)];
        System.arraycopy(wire, 0, out, 0, out.length);
        return out;
      }
      default -> {
        int at = random.nextInt(wire.length + 1);
        byte[] out = new byte[wire.length + 1];
        System.arraycopy(wire, 0, out, 0, at);
        out[at] = (byte) random.nextInt(256);
        System.arraycopy(wire, at, out, at + 1, wire.length - at);
        return out;
      }
    }
  }

  /** Decodes a copy of {@code wire} placed inside a larger array, as the frame reader hands messages on. */
  private static MapAnswer decode(byte[] wire) throws InvalidProtocolBufferException {
    byte[] framed = new byte[wire.length + 8];
    Arrays.fill(framed, (byte) 0x0a); // a RESULTS tag on either side: a read past either end would take it
    System.arraycopy(wire, 0, framed, 5, wire.length);
    return MapAnswerDecoder.decode(framed, 5, wire.length);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static int indexOf(byte[] in, byte[] part) {
    outer:
    for (int i = 0; i + part.length <= in.length; i++) {
      for (int j = 0; j < part.length; j++) {
        if (in[i + j] != part[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(String.format("%02x", x));
    }
    return s.toString();
  }
}
