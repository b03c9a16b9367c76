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
