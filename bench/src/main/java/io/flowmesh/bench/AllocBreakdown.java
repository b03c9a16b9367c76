package io.flowmesh.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import io.flowmesh.map.engine.Outputs;
import io.flowmesh.map.udf.MapAnswerDecoder;
import io.flowmesh.map.udf.UdfResult;
import io.flowmesh.proto.edge.v1.Ack;
import io.flowmesh.proto.edge.v1.Batch;
import io.flowmesh.proto.edge.v1.SubscriberFrame;
import io.flowmesh.proto.edge.v1.UpstreamFrame;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.flowmesh.runtime.buffer.ProtoInput;
import io.flowmesh.runtime.edge.EdgeFrames;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code alloc-breakdown [--size 500]}: the heap bytes per message of the protobuf steps a map
 * vertex takes for each element with the {@code cat} UDF, each measured alone in this JVM with the
 * thread's allocation counter ({@code com.sun.management.ThreadMXBean}) after a warm-up: parsing an
 * edge batch of 256 messages, reading the UDF's answer (one result) as map-service does
 * ({@code MapAnswerDecoder}) and, for comparison, with protobuf's generated parser, building the
 * output message ({@code Outputs.of}, the UDF echoing the input's key), parsing an ack frame of
 * 256 sequence numbers. Parsing aliases bytes as the services do ({@code ProtoInput.aliasing}), so
 * values are slices, not copies. What it leaves out: the transports' own copies (Vert.x's HTTP/2 layer copies
 * every DATA frame into a heap buffer) and the engine's per-element objects.
 */
final class AllocBreakdown {

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final int MESSAGES = 2_000_000;

  /** Every result is written here, so it escapes and the JIT can neither drop the work nor scalar-replace it. */
  static volatile Object sink;

  private AllocBreakdown() {
  }

  static void main(String[] args) throws Exception {
    int size = args.length == 2 && args[0].equals("--size") ? Integer.parseInt(args[1]) : 500;
    if (args.length != 0 && args.length != 2 || size < 0) {
      throw new IllegalArgumentException("usage: alloc-breakdown [--size BYTES]");
    }
    measure(size).forEach((step, bytes) -> System.out.printf("%-52s %8.1f B per message%n", step, bytes));
  }

  /** Heap bytes per message of each step, in the order a message meets them. */
  static Map<String, Double> measure(int size) throws Exception {
    byte[] value = new byte[size];
    Batch.Builder batch = Batch.newBuilder().setFirstSeq(1);
    for (int i = 0; i < 256; i++) {
      batch.addMessages(io.flowmesh.proto.edge.v1.Message.newBuilder().setId("bench-" + (1_000_000 + i)).addKeys("k" + (i % 3))
          .setValue(ByteString.copyFrom(value)).setEventTime(1).setIngestTime(2));
    }
    byte[] batchFrame = UpstreamFrame.newBuilder().setBatch(batch).build().toByteArray();
    byte[] answer = MapResponse.newBuilder().setId("1000000")
        .addResults(MapResponse.Result.newBuilder().addKeys("k1").setValue(ByteString.copyFrom(value))).build().toByteArray();
    Ack.Builder ack = Ack.newBuilder();
    for (int i = 0; i < 256; i++) {
      ack.addSeqs(1_000_000L + i);
    }
    byte[] ackFrame = SubscriberFrame.newBuilder().setAck(ack).build().toByteArray();
    MapResponse.Result result = MapResponse.parseFrom(answer).getResults(0);

    Map<String, Double> out = new LinkedHashMap<>();
    out.put("edge batch parse (256 messages), per message", perMessage(256, () -> EdgeFrames.parse(wrapped(batchFrame))));
    out.put("UDF answer read (MapAnswerDecoder, one result)", perMessage(1, () -> MapAnswerDecoder.decode(answer, 0, answer.length)));
    out.put("  the same with the generated parser (MapResponse)", perMessage(1, () -> MapResponse.parser().parseFrom(aliasing(answer))));
    UdfResult[] echoes = new UdfResult[3];
    for (int k = 0; k < echoes.length; k++) { // message i has key k(i % 3); its result echoes it
      echoes[k] = new UdfResult(List.of("k" + k), result.getValue(), List.of());
    }
    // Each output from an input fresh off the edge, as in the map: a message asked for its id as
    // bytes and as text keeps whichever form it was last asked for, so one input used again and
    // again would be charged encodings that a map never makes. The batch's parse is taken off.
    double parse = out.get("edge batch parse (256 messages), per message");
    double parseAndBuild = perMessage(256, () -> {
      List<EdgeMessage> fresh = EdgeFrames.parse(wrapped(batchFrame)).messages();
      Object last = null;
      for (int i = 0; i < fresh.size(); i++) {
        last = Outputs.of(fresh.get(i), echoes[i % 3], 0);
        sink = last;
      }
      return last;
    });
    out.put("output message build (Outputs.of, keys echoed)", parseAndBuild - parse);
    out.put("ack frame parse (256 seqs), per message", perMessage(256, () -> SubscriberFrame.parser().parseFrom(aliasing(ackFrame))));
    return out;
  }

  /** The array as a buffer, not copied (as Vert.x hands over a DATA frame: unpooled heap bytes). */
  private static Buffer wrapped(byte[] bytes) {
    return BufferInternal.buffer(Unpooled.wrappedBuffer(bytes));
  }

  private static CodedInputStream aliasing(byte[] bytes) {
    return ProtoInput.aliasing(bytes, 0, bytes.length);
  }

  private static double perMessage(int messagesPerCall, Callable<Object> step) throws Exception {
    int calls = Math.max(1000, MESSAGES / messagesPerCall);
    for (int i = 0; i < calls; i++) { // warm-up: compiled before it is measured
      sink = step.call();
    }
    long thread = Thread.currentThread().getId();
    long before = THREADS.getThreadAllocatedBytes(thread);
    for (int i = 0; i < calls; i++) {
      sink = step.call();
    }
    long after = THREADS.getThreadAllocatedBytes(thread);
    return (double) (after - before) / calls / messagesPerCall;
  }
}
