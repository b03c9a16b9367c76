package io.flowmesh.runtime.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.edge.v1.Ack;
import io.flowmesh.proto.edge.v1.Reply;
import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.flowmesh.proto.edge.v1.SubscriberFrame;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one merge of serving replies (map outputs, fan-out copies) and its cap. */
class MergedReplyTest {

  private static final int FRAME = 4096;

  private static ReplyOutput output(String id, int valueBytes) {
    return ReplyOutput.newBuilder().setId(id).setVertex("sink").setValue(ByteString.copyFrom(new byte[valueBytes])).build();
  }

  @Test
  void theFirstReplyIsKeptAsItCameAndLaterOnesAreAddedInOrderToAListOfItsOwn() {
    MergedReply m = new MergedReply(FRAME);
    assertNull(m.take("x", "map"), "nothing added: null (no reply came)");
    List<ReplyOutput> first = List.of(output("a", 10));
    m.add(first);
    m.add(null); // a plain ack: ignored
    assertSame(first, m.take("x", "map"), "one reply goes on as it came, not copied");

    m.add(List.of());
    assertEquals(List.of(), m.take("x", "map"), "an empty reply stays an explicit empty reply");

    List<ReplyOutput> second = List.of(output("b", 10), output("c", 10));
    m.add(List.of());
    m.add(first);
    m.add(List.of());
    m.add(second);
    List<ReplyOutput> merged = m.take("x", "map");
    assertEquals(List.of(first.get(0), second.get(0), second.get(1)), merged, "every output once, in order; empties add nothing");
    assertEquals(List.of(output("a", 10)), first, "the first list was not added to");
    assertNull(m.take("x", "map"), "take starts over");
  }

  @Test
  void aMergeOverTheCapBecomesAFailureNamingItsSizeAndTheLimitAndTheNextMergeStartsClean() {
    MergedReply m = new MergedReply(FRAME);
    List<ReplyOutput> part = List.of(output("p", 1000));
    long partBytes = MergedReply.size(part);
    int parts = 0;
    while (m.bytes() <= MergedReply.cap(FRAME)) {
      m.add(part);
      parts++;
    }
    assertEquals(parts * partBytes, m.bytes(), "sizes counted as replies come");
    m.add(part); // still counted once over
    long total = (parts + 1) * partBytes;
    List<ReplyOutput> r = m.take("req-7", "map");
    assertEquals(1, r.size(), "one failure output in place of the outputs: " + r);
    ReplyOutput f = r.get(0);
    assertSame(f, ReplyFailures.firstFailure(r));
    assertEquals("req-7", f.getId());
    assertEquals("map", f.getVertex());
    long over = total - MergedReply.cap(FRAME);
    assertTrue(f.getError().contains("its reply was " + total + " bytes, " + over + " bytes over")
        && f.getError().contains("edge.max-frame-bytes=" + FRAME), f.getError());

    m.add(part);
    assertEquals(part, m.take("req-8", "map"), "after a failure the merge is clean again");
  }

  @Test
  void aReplyAtTheCapFitsAnAckFrameAndOneByteMoreIsReplacedByTheFailure() {
    long cap = MergedReply.cap(FRAME);
    // one output whose size as a Reply's output is exactly the cap
    int value = (int) cap - 100;
    while (MergedReply.size(List.of(output("id", value))) < cap) {
      value++;
    }
    List<ReplyOutput> atCap = List.of(output("id", value));
    assertEquals(cap, MergedReply.size(atCap));
    assertSame(atCap, MergedReply.fit(atCap, "id", "sink", FRAME), "at the cap: sent as it is");
    Reply reply = Reply.newBuilder().setSeq(Long.MAX_VALUE).addAllOutputs(atCap).build();
    int frame = SubscriberFrame.newBuilder().setAck(Ack.newBuilder().addReplies(reply)).build().getSerializedSize();
    assertTrue(frame <= FRAME, "a reply at the cap, with the largest seq, fits an ack frame: " + frame + " > " + FRAME);

    List<ReplyOutput> over = List.of(output("id", value + 1));
    List<ReplyOutput> r = MergedReply.fit(over, "id", "sink", FRAME);
    assertTrue(r.get(0).getError().contains("its reply was " + (cap + 1) + " bytes, 1 bytes over"), r.toString());
  }

  @Test
  void manyCopiesOfASmallReplyAreCountedEachTime() {
    MergedReply m = new MergedReply(FRAME);
    List<ReplyOutput> tiny = List.of(output("t", 0));
    List<ReplyOutput> expected = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      m.add(tiny);
      expected.addAll(tiny);
    }
    assertEquals(10 * MergedReply.size(tiny), m.bytes());
    assertEquals(expected, m.take("x", "map"));
  }
}
