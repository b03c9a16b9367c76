package io.flowmesh.runtime.edge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.flowmesh.proto.edge.v1.Batch;
import io.flowmesh.proto.edge.v1.Header;
import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.proto.edge.v1.UpstreamFrame;
import io.flowmesh.proto.edge.v1.Watermark;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written parser of upstream frames against the generated one, on the same bytes: what
 * one reads the other reads the same, what one refuses the other refuses.
 */
class EdgeFramesTest {

  private static final Random RANDOM = new Random(17);

  private static Message randomMessage(Random r) {
    Message.Builder b = Message.newBuilder();
    if (r.nextBoolean()) {
      b.setId("id-" + r.nextInt(1_000_000));
    }
    if (r.nextInt(4) != 0) {
      byte[] v = new byte[r.nextInt(600)];
      r.nextBytes(v);
      b.setValue(ByteString.copyFrom(v));
    }
    for (int i = r.nextInt(3); i > 0; i--) {
      b.addKeys(r.nextBoolean() ? "k" + r.nextInt(10) : "ключ-" + r.nextInt(5));
    }
    if (r.nextBoolean()) {
      b.setEventTime(r.nextBoolean() ? r.nextLong() : 1_700_000_000_000L + r.nextInt(1000));
    }
    for (int i = r.nextInt(3) == 0 ? r.nextInt(3) : 0; i > 0; i--) {
      b.addHeaders(Header.newBuilder().setKey("h" + i).setValue(r.nextBoolean() ? "" : "wert-ü"));
    }
    if (r.nextBoolean()) {
      b.setIngestTime(r.nextLong());
    }
    for (int i = r.nextInt(4) == 0 ? 1 + r.nextInt(2) : 0; i > 0; i--) {
      b.addTags("t" + r.nextInt(3));
    }
    b.setServe(r.nextInt(5) == 0);
    return b.build();
  }

  private static byte[] batchFrame(Random r, int messages) {
    Batch.Builder b = Batch.newBuilder().setFirstSeq(r.nextBoolean() ? 0 : r.nextLong() >>> 1).setWatermark(r.nextLong());
    for (int i = 0; i < messages; i++) {
      b.addMessages(randomMessage(r));
    }
    return UpstreamFrame.newBuilder().setBatch(b).build().toByteArray();
  }

  /** Parses with both; asserts both refuse or both read the same; returns whether they read it. */
  private static boolean sameAsGenerated(byte[] frame, String what) {
    UpstreamFrame generated;
    try {
      generated = UpstreamFrame.parseFrom(frame);
    } catch (InvalidProtocolBufferException e) {
      generated = null;
    }
    EdgeFrames.Inbound ours;
    try {
      ours = EdgeFrames.parse(Buffer.buffer(frame));
    } catch (InvalidProtocolBufferException e) {
      ours = null;
    }
    if (generated == null || ours == null) {
      assertEquals(generated == null, ours == null, what + ": refused by " + (generated == null ? "the generated parser" : "ours") + " only");
      return false;
    }
    assertEquals(generated.getKindCase() == UpstreamFrame.KindCase.BATCH, ours.batch, what + ": batch");
    assertEquals(generated.getKindCase() == UpstreamFrame.KindCase.WATERMARK, ours.watermarkOnly, what + ": watermark");
    if (ours.batch) {
      Batch b = generated.getBatch();
      assertEquals(b.getFirstSeq(), ours.firstSeq, what + ": first seq");
      assertEquals(b.getWatermark(), ours.watermark, what + ": batch watermark");
      assertEquals(b.getMessagesCount(), ours.messages.size(), what + ": messages");
      for (int i = 0; i < b.getMessagesCount(); i++) {
        assertEquals(known(b.getMessages(i)), ours.messages.get(i).toProto(), what + ": message " + i);
      }
    } else if (ours.watermarkOnly) {
      assertEquals(generated.getWatermark().getWatermark(), ours.watermark, what + ": watermark");
    }
    return true;
  }

  /** The message without the unknown fields the generated parser keeps (ours skips them). */
  private static Message known(Message m) {
    Message.Builder b = m.toBuilder().setUnknownFields(com.google.protobuf.UnknownFieldSet.getDefaultInstance()).clearHeaders();
    for (Header h : m.getHeadersList()) {
      b.addHeaders(h.toBuilder().setUnknownFields(com.google.protobuf.UnknownFieldSet.getDefaultInstance()));
    }
    return b.build();
  }

  @Test
  void randomBatchesReadTheSameAsWithTheGeneratedParser() {
    for (int i = 0; i < 300; i++) {
      assertTrue(sameAsGenerated(batchFrame(RANDOM, RANDOM.nextInt(40)), "batch " + i));
    }
  }

  @Test
  void aMessageWritesTheSameBytesAsTheGeneratedClassAndBuildsEqualToItsParse() throws Exception {
    Random r = new Random(11);
    for (int i = 0; i < 500; i++) {
      Message m = randomMessage(r);
      EdgeMessage parsed = EdgeMessage.parseFrom(m.toByteArray());
      assertArrayEquals(m.toByteArray(), parsed.toByteArray(), "message " + i);
      assertEquals(m.getSerializedSize(), parsed.getSerializedSize());
      EdgeMessage built = EdgeMessage.newBuilder().setId(m.getId()).setValue(m.getValue()).addAllKeys(m.getKeysList())
          .setEventTime(m.getEventTime()).addAllHeaders(m.getHeadersList()).setIngestTime(m.getIngestTime())
          .addAllTags(m.getTagsList()).setServe(m.getServe()).build();
      assertEquals(parsed, built, "message " + i);
      assertEquals(parsed.hashCode(), built.hashCode(), "message " + i);
      assertArrayEquals(m.toByteArray(), built.toByteArray(), "message " + i);
      assertEquals(parsed, built.toBuilder().build());
      assertEquals(m, parsed.toProto());
    }
  }

  @Test
  void textsHeldAsBytesOrAsStringsAreEqualListsOfStrings() {
    Texts bytes = Texts.own(new Object[] {ByteString.copyFromUtf8("k1"), ByteString.copyFromUtf8("ключ")}, 2);
    Texts strings = Texts.of(List.of("k1", "ключ"));
    assertEquals(List.of("k1", "ключ"), bytes);
    assertEquals(bytes, strings);
    assertEquals(strings, bytes);
    assertEquals(List.of("k1", "ключ").hashCode(), bytes.hashCode());
    assertEquals(ByteString.copyFromUtf8("ключ"), strings.bytes(1));
    assertTrue(bytes.contains("ключ") && bytes.contains("k1") && !bytes.contains("k") && !bytes.contains("k2") && !bytes.contains(null));
    assertTrue(strings.contains("ключ") && !strings.contains("ключи"));
    assertTrue(bytes.raw(0) instanceof ByteString && strings.raw(0) instanceof String, "each held as it was given");
    assertThrows(IndexOutOfBoundsException.class, () -> bytes.get(2));
    assertThrows(UnsupportedOperationException.class, () -> bytes.add("x"));
    assertThrows(NullPointerException.class, () -> Texts.of(java.util.Arrays.asList("a", null)));
  }

  @Test
  void everyCutOfAFrameIsRefusedOrReadAsTheGeneratedParserDoes() {
    byte[] frame = batchFrame(new Random(3), 6);
    int read = 0;
    for (int cut = 0; cut < frame.length; cut++) {
      byte[] part = java.util.Arrays.copyOf(frame, cut);
      if (sameAsGenerated(part, "cut at " + cut)) {
        read++;
      }
    }
    assertTrue(read < frame.length / 2, "most cuts are refused: " + read + " of " + frame.length + " read");
  }

  @Test
  void corruptedBytesAreRefusedOrReadAsTheGeneratedParserDoes() {
    Random r = new Random(5);
    byte[] frame = batchFrame(r, 8);
    for (int i = 0; i < 3000; i++) {
      byte[] bad = frame.clone();
      for (int n = 1 + r.nextInt(3); n > 0; n--) {
        bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
      }
      sameAsGenerated(bad, "corruption " + i);
    }
  }

  @Test
  void unknownFieldsAndFieldsOfTheWrongWireTypeAreSkippedAtEveryLevel() throws Exception {
    Header h = Header.newBuilder().setKey("hk").setValue("hv").build();
    Message m = Message.newBuilder().setId("a").setValue(ByteString.copyFromUtf8("v")).addKeys("k").setEventTime(5).addHeaders(h).build();
    byte[] message = concat(m.toByteArray(), unknowns(), wrongWireTypes(), field(5, concat(h.toByteArray(), unknowns())));
    byte[] batch = concat(field(2, message), unknowns(), varint(1, 7), field(2, m.toByteArray()));
    byte[] frame = concat(unknowns(), field(1, batch), unknowns());
    assertTrue(sameAsGenerated(frame, "unknown fields"));
    EdgeFrames.Inbound f = EdgeFrames.parse(Buffer.buffer(frame));
    assertEquals(7, f.firstSeq);
    EdgeMessage twoHeaders = EdgeMessage.fromProto(m).toBuilder().addHeaders(h).build();
    assertEquals(List.of(twoHeaders, EdgeMessage.fromProto(m)), f.messages);
    byte[] watermark = concat(unknowns(), field(2, concat(unknowns(), varint(1, 42), unknowns())));
    assertTrue(sameAsGenerated(watermark, "unknown fields in a watermark frame"));
    assertEquals(42, EdgeFrames.parse(Buffer.buffer(watermark)).watermark);
  }

  @Test
  void aOneofMemberGivenLastWinsAndTheSameMemberTwiceMerges() throws Exception {
    byte[] batchA = Batch.newBuilder().setFirstSeq(3).addMessages(Message.newBuilder().setId("a")).build().toByteArray();
    byte[] batchB = Batch.newBuilder().setWatermark(9).addMessages(Message.newBuilder().setId("b")).build().toByteArray();
    byte[] wm = Watermark.newBuilder().setWatermark(11).build().toByteArray();
    byte[] merged = concat(field(1, batchA), field(1, batchB));
    assertTrue(sameAsGenerated(merged, "two batches"));
    EdgeFrames.Inbound f = EdgeFrames.parse(Buffer.buffer(merged));
    assertEquals(3, f.firstSeq);
    assertEquals(9, f.watermark);
    assertEquals(2, f.messages.size());
    assertTrue(sameAsGenerated(concat(field(1, batchA), field(2, wm)), "batch then watermark"));
    assertTrue(sameAsGenerated(concat(field(2, wm), field(1, batchA)), "watermark then batch"));
    EdgeFrames.Inbound empty = EdgeFrames.parse(Buffer.buffer(new byte[0]));
    assertFalse(empty.batch || empty.watermarkOnly, "an empty frame is neither");
  }

  @Test
  void aFieldGivenTwiceInAMessageKeepsTheLastScalarAndEveryRepeatedEntry() throws Exception {
    byte[] message = concat(field(1, "first".getBytes()), field(1, "second".getBytes()), varint(4, 1), varint(4, 2),
        field(3, "k1".getBytes()), field(3, "k2".getBytes()), varint(8, 1), varint(8, 0));
    byte[] frame = field(1, field(2, message));
    assertTrue(sameAsGenerated(frame, "repeated fields"));
    EdgeMessage m = EdgeFrames.parse(Buffer.buffer(frame)).messages.get(0);
    assertEquals("second", m.getId());
    assertEquals(2, m.getEventTime());
    assertEquals(List.of("k1", "k2"), m.getKeysList());
    assertFalse(m.getServe());
  }

  @Test
  void malformedFramesAreRefusedWithAReason() {
    byte[][] bad = {
        {0x0A, 0x05, 0x12},                  // batch of 5 bytes, 1 there
        {0x0A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F}, // a negative length
        {0x0A, 0x02, 0x12, 0x03},            // a message longer than its batch
        {0x0A, 0x03, 0x12, 0x01, 0x0C},      // an end-group tag inside a message
        {0x0B},                              // a start-group tag that never ends
        {(byte) 0x80},                       // a varint cut short
    };
    for (byte[] b : bad) {
      assertFalse(sameAsGenerated(b, java.util.Arrays.toString(b)));
      InvalidProtocolBufferException e = assertThrows(InvalidProtocolBufferException.class, () -> EdgeFrames.parse(Buffer.buffer(b)));
      assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a reason");
    }
  }

  @Test
  void bytesThatAreNotUtf8PassThroughAsTheyCame() throws Exception {
    ByteString bad = ByteString.copyFrom(new byte[] {'k', (byte) 0xC3, (byte) 0x28});
    Message m = Message.newBuilder().setIdBytes(bad).addKeysBytes(bad).addTagsBytes(bad).build();
    byte[] frame = UpstreamFrame.newBuilder().setBatch(Batch.newBuilder().addMessages(m)).build().toByteArray();
    EdgeMessage parsed = EdgeFrames.parse(Buffer.buffer(frame)).messages.get(0);
    assertEquals(bad, parsed.getIdBytes());
    assertEquals(bad, parsed.getKeysBytes(0));
    assertArrayEquals(m.toByteArray(), parsed.toByteArray(), "written on as it came");
  }

  private static byte[] unknowns() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeInt64(99, -3);
    out.writeBytes(100, ByteString.copyFromUtf8("unknown"));
    out.writeFixed32(101, 7);
    out.writeFixed64(102, 8);
    out.writeTag(103, 3); // a group: start, a field, end
    out.writeInt64(1, 1);
    out.writeTag(103, 4);
    out.flush();
    return bytes.toByteArray();
  }

  /** Known field numbers of the message with other wire types: read as unknown fields. */
  private static byte[] wrongWireTypes() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeInt64(1, 4);                          // id as a varint
    out.writeBytes(4, ByteString.copyFromUtf8("x")); // event time as bytes
    out.writeFixed32(8, 1);                        // serve as fixed32
    out.flush();
    return bytes.toByteArray();
  }

  private static byte[] field(int number, byte[] body) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeByteArray(number, body);
    out.flush();
    return bytes.toByteArray();
  }

  private static byte[] varint(int number, long v) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeUInt64(number, v);
    out.flush();
    return bytes.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    List<Byte> all = new ArrayList<>();
    for (byte[] p : parts) {
      for (byte b : p) {
        all.add(b);
      }
    }
    byte[] out = new byte[all.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = all.get(i);
    }
    return out;
  }
}
