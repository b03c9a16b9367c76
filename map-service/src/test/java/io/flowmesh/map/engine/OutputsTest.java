package io.flowmesh.map.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.LazyStringList;
import io.flowmesh.map.udf.UdfResult;
import io.flowmesh.proto.edge.v1.Header;
import io.flowmesh.proto.edge.v1.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An output carries the result's value, keys and tags and the input's times, headers and serve mark. */
class OutputsTest {

  private static final Message IN = Message.newBuilder().setId("in-7").setValue(ByteString.copyFromUtf8("input"))
      .addKeys("k1").addKeys("k2").setEventTime(1_000).setIngestTime(2_000)
      .addHeaders(Header.newBuilder().setKey("h").setValue("v")).addTags("from-upstream").setServe(true).build();

  @Test
  void anOutputTakesTheResultsKeysValueAndTagsAndTheInputsTheRest() {
    for (UdfResult r : new UdfResult[] {
        new UdfResult(List.of("k1", "k2"), ByteString.copyFromUtf8("echoed keys"), List.of()),
        new UdfResult(List.of("other"), ByteString.copyFromUtf8("new key"), List.of("even")),
        new UdfResult(List.of(), ByteString.EMPTY, List.of("from-upstream")),
        new UdfResult(List.of("k2", "k1"), ByteString.copyFromUtf8("keys reordered"), List.of("a", "b")),
        new UdfResult(List.of("k1"), ByteString.copyFromUtf8("a key left out"), List.of("from-upstream", "more")),
        new UdfResult(List.of("k1", "k2", "k3"), ByteString.copyFromUtf8("a key added"), List.of("from-upstreaM")),
    }) {
      Message expected = Message.newBuilder().setId("in-7/3").setValue(r.value()).addAllKeys(r.keys())
          .setEventTime(1_000).setIngestTime(2_000).addAllHeaders(IN.getHeadersList()).addAllTags(r.tags())
          .setServe(true).build();
      assertEquals(expected, Outputs.of(IN, r, 3), r.toString());
    }
  }

  @Test
  void anInputWithoutHeadersOrTagsGivesAnOutputWithout() {
    Message plain = Message.newBuilder().setId("p").setValue(ByteString.copyFromUtf8("x")).setEventTime(5).build();
    Message out = Outputs.of(plain, UdfResult.of(ByteString.copyFromUtf8("y")), 0);
    assertEquals(Message.newBuilder().setId("p/0").setValue(ByteString.copyFromUtf8("y")).setEventTime(5).build(), out);
  }

  @Test
  void anOutputsIdIsTheInputsIdSlashTheResultIndexWhateverTheIdsText() throws Exception {
    for (String id : new String[] {"src-0", "9f2c0a1b33de-123456789012", "ünïcödé-7", "", "鍵/2"}) {
      // As a map gets it: parsed off the edge's frame with aliasing, its id still the frame's bytes.
      byte[] frame = Message.newBuilder().setId(id).setValue(ByteString.copyFromUtf8("v")).build().toByteArray();
      Message in = Message.parseFrom(io.flowmesh.runtime.buffer.ProtoInput.aliasing(frame, 0, frame.length));
      for (int index : new int[] {0, 1, 9, 10, 99, 100, 4711, Integer.MAX_VALUE}) {
        Message out = Outputs.of(in, UdfResult.of(ByteString.copyFromUtf8("w")), index);
        assertEquals(id + "/" + index, out.getId());
        assertEquals(id + "/" + index, Message.parseFrom(out.toByteArray()).getId(), "and so on the wire");
      }
    }
  }

  @Test
  void keysEqualAsTextToTheParsedInputsAreTheInputsOwn() throws Exception {
    Message in = Message.parseFrom(Message.newBuilder().setId("i").addKeys("k1").addKeys("ключ").build().toByteArray());
    Message same = Outputs.of(in, new UdfResult(List.of("k1", "ключ"), ByteString.EMPTY, List.of()), 0);
    assertSame(in.getKeysList(), same.getKeysList(), "echoed keys share the input's list");
    Message other = Outputs.of(in, new UdfResult(List.of("k1", "ключи"), ByteString.EMPTY, List.of()), 0);
    assertEquals(List.of("k1", "ключи"), other.getKeysList());
  }

  @Test
  void anOutputHoldsWhatItSharesWithItsInputAsTextNotAsSlicesOfTheInputsFrame() throws Exception {
    ByteString bad = ByteString.copyFrom(new byte[] {'k', (byte) 0xFF});
    byte[] frame = Message.newBuilder().setId("i").addKeys("k1").addKeysBytes(bad).addTags("t").addTagsBytes(bad)
        .addHeaders(Header.newBuilder().setKey("h").setValue("v")).addHeaders(Header.newBuilder().setKeyBytes(bad).setValue("w"))
        .build().toByteArray();
    Message in = Message.parseFrom(io.flowmesh.runtime.buffer.ProtoInput.aliasing(frame, 0, frame.length));
    // The UDF echoes the keys and tags as it received them: the bad bytes decoded.
    UdfResult echo = new UdfResult(List.of("k1", "k\uFFFD"), ByteString.EMPTY, List.of("t", "k\uFFFD"));
    Message out = Outputs.of(in, echo, 0);
    for (List<String> list : List.of(out.getKeysList(), out.getTagsList())) {
      LazyStringList held = (LazyStringList) list;
      for (int i = 0; i < held.size(); i++) {
        assertTrue(held.getRaw(i) instanceof String, "entry " + i + " of " + list + " is held as text: " + held.getRaw(i).getClass());
      }
    }
    assertEquals(List.of("k1", "k\uFFFD"), out.getKeysList());
    assertEquals(List.of("t", "k\uFFFD"), out.getTagsList());
    assertEquals(2, out.getHeadersCount());
    assertEquals("k\uFFFD", out.getHeaders(1).getKey());
    assertTrue(out.getHeaders(1).getKeyBytes().isValidUtf8(), "the header copied as text");

    // With valid UTF-8, the output shares the input's lists, now held as text.
    byte[] frame2 = Message.newBuilder().setId("j").addKeys("k1").addTags("t").build().toByteArray();
    Message in2 = Message.parseFrom(io.flowmesh.runtime.buffer.ProtoInput.aliasing(frame2, 0, frame2.length));
    Message out2 = Outputs.of(in2, new UdfResult(List.of("k1"), ByteString.EMPTY, List.of("t")), 1);
    assertSame(in2.getKeysList(), out2.getKeysList());
    assertSame(in2.getTagsList(), out2.getTagsList());
    assertTrue(((LazyStringList) out2.getKeysList()).getRaw(0) instanceof String);
    assertTrue(((LazyStringList) out2.getTagsList()).getRaw(0) instanceof String);
  }
}
