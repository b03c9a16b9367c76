package io.flowmesh.runtime.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.flowmesh.proto.edge.v1.Batch;
import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.proto.edge.v1.UpstreamFrame;
import io.netty.buffer.Unpooled;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link UnackedWindow#detachOlderThan}: a message acked late does not keep the frame it was cut from. */
class UnackedWindowDetachTest {

  private static final long AGE = 10;

  /** The wire form of 30 messages of 100 bytes in one batch, and the messages as parsed from it (slices of it). */
  private final byte[] frame;
  private final List<EdgeMessage> parsed;
  private final List<Message> sent = new ArrayList<>();

  UnackedWindowDetachTest() throws Exception {
    Batch.Builder batch = Batch.newBuilder();
    for (int i = 0; i < 30; i++) {
      Message m = Message.newBuilder().setId("m-" + i).setValue(ByteString.copyFromUtf8(("value-" + i + "-").repeat(12)))
          .addKeys("k-" + i).build();
      sent.add(m);
      batch.addMessages(m);
    }
    frame = UpstreamFrame.newBuilder().setBatch(batch).build().toByteArray();
    // a buffer over the frame's own array (unpooled), as Vert.x hands a DATA frame over
    parsed = EdgeFrames.parse(BufferInternal.buffer(Unpooled.wrappedBuffer(frame))).messages();
  }

  @Test
  void messagesStillUnackedAfterTheAgeAreCopiedOutOfTheirFrameOnceAndTheRestAreLeftAlone() {
    UnackedWindow w = new UnackedWindow(0, 1_000);
    assertEquals(0, w.detachOlderThan(1_000, AGE), "nothing sent yet");
    for (EdgeMessage m : parsed) {
      w.add(m, null);
    }
    for (int s = 0; s < 30; s++) {
      if (s != 3 && s != 17) {
        w.ack(s);
      }
    }
    assertEquals(0, w.detachOlderThan(1_005, AGE), "not yet the age since the last visit");
    assertEquals(0, w.detachOlderThan(1_010, AGE), "sent after the previous visit's mark: not known to be old yet");
    w.add(parsed.get(0), null); // seq 30: sent now, young at the next visit
    assertEquals(2, w.detachOlderThan(1_020, AGE), "seq 3 and 17, both sent before 1,010 and unacked at 1,020");
    assertEquals(UnackedWindow.AckResult.ACKED, w.ack(30));
    assertSame(parsed.get(0), w.lastMessage(), "seq 30 was young when the window was last visited");
    assertEquals(0, w.detachOlderThan(1_030, AGE), "seq 3 and 17 are copied once");

    Arrays.fill(frame, (byte) '?');
    assertNotEquals(sent.get(29).getValue(), parsed.get(29).getValue(), "the parsed messages are slices of the frame");
    for (int s : new int[] {3, 17}) {
      assertEquals(UnackedWindow.AckResult.ACKED, w.ack(s));
      assertEquals(sent.get(s), w.lastMessage().toProto(), "seq " + s + " kept nothing of the frame");
    }
  }

  @Test
  void onlyMessagesMarkedAsSlicesAreCopiedNotThoseCutFromAPermanentPool() {
    UnackedWindow w = new UnackedWindow(0, 1_000);
    // a generator's values: slices of one pool that lives as long as the source, so holding them costs nothing more
    ByteString pool = ByteString.copyFromUtf8("p".repeat(5_000));
    List<EdgeMessage> pooled = new ArrayList<>();
    w.detachOlderThan(1_000, AGE);
    for (int i = 0; i < 10; i++) {
      EdgeMessage m = EdgeMessage.of(ByteString.copyFromUtf8("own-" + i), pool.substring(i * 100, i * 100 + 500),
          List.of("k"), 0, List.of(), 0, List.of(), false);
      pooled.add(m);
      w.add(m, null);
    }
    // a map's output: its value a slice of the frame of UDF answers it came in
    ByteString answers = ByteString.copyFromUtf8("a".repeat(5_000));
    EdgeMessage output = EdgeMessage.ofSlices(ByteString.copyFromUtf8("out"), answers.substring(100, 600), List.of("k"), 0,
        List.of(), 0, List.of(), false);
    w.add(output, null);
    w.detachOlderThan(1_010, AGE);
    assertEquals(1, w.detachOlderThan(1_020, AGE), "only the output");
    for (int s = 0; s < 10; s++) {
      w.ack(s);
      assertSame(pooled.get(s), w.lastMessage());
    }
    w.ack(10);
    assertEquals(output, w.lastMessage());
    assertNotSame(output, w.lastMessage(), "the output was copied");
  }

  /** A map's output whose value is a slice of a frame of UDF answers ({@code answers}). */
  private static EdgeMessage output(ByteString answers, long i) {
    int at = (int) (i % 40) * 100;
    return EdgeMessage.ofSlices(ByteString.copyFromUtf8("o-" + i), answers.substring(at, at + 100), List.of(), 0, List.of(),
        0, List.of(), false);
  }

  @Test
  void messagesHoldingMostOfTheirFrameAreLeftAsTheyAreUntilItIsMostlyLetGoOf() {
    ByteString answers = ByteString.copyFromUtf8("a".repeat(4_000));
    UnackedWindow w = new UnackedWindow(0, 1_000);
    w.detachOlderThan(1_000, AGE);
    for (int i = 0; i < 40; i++) { // the whole frame: 40 outputs of 100 bytes
      w.add(output(answers, i), null);
    }
    w.detachOlderThan(1_010, AGE);
    assertEquals(0, w.detachOlderThan(1_020, AGE), "a downstream slow to ack everything: the frame holds what waits");
    assertEquals(0, w.detachOlderThan(1_030, AGE));
    for (int s = 0; s < 40; s++) {
      if (s != 9 && s != 30) {
        w.ack(s);
      }
    }
    assertEquals(2, w.detachOlderThan(1_040, AGE), "the two left once the others were acked");
  }

  @Test
  void aFewMessagesOfAFrameWhoseRestWentToAnotherEdgeAreCopiedUnackedAsTheyAre() {
    ByteString answers = ByteString.copyFromUtf8("a".repeat(4_000));
    UnackedWindow w = new UnackedWindow(0, 1_000);
    w.detachOlderThan(1_000, AGE);
    for (int i = 0; i < 3; i++) { // three outputs of a frame of forty routed to this edge, none acked (a stalled subscriber)
      w.add(output(answers, i), null);
    }
    assertEquals(0, w.detachOlderThan(1_010, AGE), "not yet old");
    assertEquals(3, w.detachOlderThan(1_020, AGE), "this edge holds a tenth of their frame");
    assertEquals(0, w.detachOlderThan(1_030, AGE), "copied once");
  }

  @Test
  void theLookFollowsTheRingAsItWrapsAndGrowsAndAfterItIsDrained() {
    ByteString answers = ByteString.copyFromUtf8("a".repeat(4_000));
    UnackedWindow w = new UnackedWindow(0, 1 << 16); // a ring of 4,096 to start with
    List<EdgeMessage> sent = new ArrayList<>();
    w.detachOlderThan(1_000, AGE);
    for (int i = 0; i < 3_000; i++) {
      sent.add(output(answers, i));
      w.add(sent.get(i), null);
    }
    for (int s = 0; s < 3_000; s++) {
      if (s != 5 && s != 2_999) {
        w.ack(s);
      }
    }
    w.detachOlderThan(1_010, AGE);
    for (int i = 3_000; i < 6_000; i++) { // past the ring's end while seq 5 is unacked: it grows to 8,192
      sent.add(output(answers, i));
      w.add(sent.get(i), null);
    }
    for (int s = 3_000; s < 6_000; s++) {
      if (s != 4_000) {
        w.ack(s);
      }
    }
    assertEquals(2, w.detachOlderThan(1_020, AGE), "seq 5 and 2,999");
    assertEquals(1, w.detachOlderThan(1_030, AGE), "seq 4,000");
    for (int s : new int[] {5, 2_999, 4_000}) {
      assertEquals(UnackedWindow.AckResult.ACKED, w.ack(s));
      assertEquals(sent.get(s), w.lastMessage());
      assertNotSame(sent.get(s), w.lastMessage(), "seq " + s + " was copied");
    }

    w.add(output(answers, 6_000), null);
    w.add(output(answers, 6_001), null);
    w.drainNewestFirst((seq, m, a) -> { });
    assertEquals(0, w.detachOlderThan(1_040, AGE), "drained: nothing left to look at");
    w.add(output(answers, 6_002), null);
    w.add(output(answers, 6_003), null);
    w.add(output(answers, 6_004), null);
    w.ack(6_002);
    w.ack(6_003);
    assertEquals(0, w.detachOlderThan(1_050, AGE), "sent after the last look");
    assertEquals(1, w.detachOlderThan(1_060, AGE), "seq 6,004");
  }

  @Test
  void aSliceIsWorthCopyingWhenItsArrayIsMoreThanTwiceItsSize() {
    Backing probe = new Backing();
    byte[] a = new byte[1_000];
    assertFalse(probe.pinsMore(UnsafeByteOperations.unsafeWrap(a)), "the whole array");
    assertFalse(probe.pinsMore(UnsafeByteOperations.unsafeWrap(a, 100, 500)), "half of it");
    assertTrue(probe.pinsMore(UnsafeByteOperations.unsafeWrap(a, 100, 499)), "less than half");
    assertTrue(probe.pinsMore(UnsafeByteOperations.unsafeWrap(a, 990, 10)), "a few bytes of it");
    assertFalse(probe.pinsMore(ByteString.EMPTY), "nothing");
    assertFalse(probe.pinsMore(ByteString.copyFromUtf8("a copy")), "a copy");
  }
}
