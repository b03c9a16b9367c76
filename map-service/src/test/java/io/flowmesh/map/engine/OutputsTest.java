package io.flowmesh.map.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.map.udf.UdfResult;
import io.flowmesh.proto.edge.v1.Header;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.Texts;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An output carries the result's value, keys and tags and the input's times, headers and serve mark. */
class OutputsTest {

  private static final EdgeMessage IN = EdgeMessage.newBuilder().setId("in-7").setValue(ByteString.copyFromUtf8("input"))
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
      EdgeMessage expected = EdgeMessage.newBuilder().setId("in-7/3").setValue(r.value()).addAllKeys(r.keys())
          .setEventTime(1_000).setIngestTime(2_000).addAllHeaders(IN.getHeadersList()).addAllTags(r.tags())
          .setServe(true).build();
      assertEquals(expected, Outputs.of(IN, r, 3), r.toString());
    }
  }

  @Test
  void anInputWithoutHeadersOrTagsGivesAnOutputWithout() {
    EdgeMessage plain = EdgeMessage.newBuilder().setId("p").setValue(ByteString.copyFromUtf8("x")).setEventTime(5).build();
    EdgeMessage out = Outputs.of(plain, UdfResult.of(ByteString.copyFromUtf8("y")), 0);
    assertEquals(EdgeMessage.newBuilder().setId("p/0").setValue(ByteString.copyFromUtf8("y")).setEventTime(5).build(), out);
  }

  @Test
  void anOutputsIdIsTheInputsIdSlashTheResultIndexWhateverTheIdsText() throws Exception {
    for (String id : new String[] {"src-0", "9f2c0a1b33de-123456789012", "ünïcödé-7", "", "鍵/2"}) {
      // As a map gets it: parsed off the edge's frame with aliasing, its id still the frame's bytes.
      byte[] frame = EdgeMessage.newBuilder().setId(id).setValue(ByteString.copyFromUtf8("v")).build().toByteArray();
      EdgeMessage in = EdgeMessage.parseFrom(io.flowmesh.runtime.buffer.ProtoInput.aliasing(frame, 0, frame.length));
      for (int index : new int[] {0, 1, 9, 10, 99, 100, 4711, Integer.MAX_VALUE}) {
        EdgeMessage out = Outputs.of(in, UdfResult.of(ByteString.copyFromUtf8("w")), index);
        assertEquals(id + "/" + index, out.getId());
        assertEquals(id + "/" + index, EdgeMessage.parseFrom(out.toByteArray()).getId(), "and so on the wire");
      }
    }
  }

  @Test
  void anOutputHoldsTheResultsKeysAndTagsAsTheAnswersDecoderMadeThem() {
    EdgeMessage in = EdgeMessage.newBuilder().setId("i").addKeys("k1").build();
    UdfResult r = new UdfResult(Texts.of("k1"), ByteString.EMPTY, Texts.of("t"));
    EdgeMessage out = Outputs.of(in, r, 0);
    assertSame(r.keys(), out.getKeysList(), "not copied");
    assertSame(r.tags(), out.getTagsList(), "not copied");
    EdgeMessage other = Outputs.of(in, new UdfResult(List.of("k1", "ключи"), ByteString.EMPTY, List.of()), 0);
    assertEquals(List.of("k1", "ключи"), other.getKeysList());
  }

  @Test
  void anOutputHoldsNothingThatIsASliceOfItsInputsFrame() throws Exception {
    ByteString bad = ByteString.copyFrom(new byte[] {'k', (byte) 0xFF});
    byte[] frame = EdgeMessage.newBuilder().setId("i").addKeys("k1").addKeysBytes(bad).addTags("t").addTagsBytes(bad)
        .addHeaders(Header.newBuilder().setKey("h").setValue("v")).addHeaders(Header.newBuilder().setKeyBytes(bad).setValue("w"))
        .build().toByteArray();
    EdgeMessage in = EdgeMessage.parseFrom(io.flowmesh.runtime.buffer.ProtoInput.aliasing(frame, 0, frame.length));
    assertTrue(in.getKeysList().raw(0) instanceof ByteString, "the parsed input's keys are slices of its frame");
    // The UDF echoes the keys and tags as it received them: the bad bytes decoded.
    UdfResult echo = new UdfResult(List.of("k1", "k\uFFFD"), ByteString.EMPTY, List.of("t", "k\uFFFD"));
    EdgeMessage out = Outputs.of(in, echo, 0);
    assertEquals(List.of("k1", "k\uFFFD"), out.getKeysList());
    assertEquals(List.of("t", "k\uFFFD"), out.getTagsList());
    assertEquals(2, out.getHeadersCount());
    assertEquals("k\uFFFD", out.getHeaders(1).getKey(), "headers are parsed as text, bad bytes decoded leniently");
    ByteString id = out.getIdBytes();
    assertEquals("i/0", id.toStringUtf8());
    java.util.Arrays.fill(frame, (byte) 0);
    assertEquals("i/0", out.getId(), "the id is the output's own bytes");
    assertEquals(List.of("k1", "k\uFFFD"), out.getKeysList(), "and so are its keys");
    assertEquals("h", out.getHeaders(0).getKey(), "and its headers");
  }
}
