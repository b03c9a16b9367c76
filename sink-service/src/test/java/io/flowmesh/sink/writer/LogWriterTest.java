package io.flowmesh.sink.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.testing.OnLoop;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogWriterTest {

  @Test
  void aBatchIsWrittenAsOneLinePerMessageWithItsTagsAndFlushed() {
    Vertx vertx = Vertx.vertx();
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      LogWriter writer = new LogWriter(vertx, new PrintStream(bytes, false, StandardCharsets.UTF_8));
      OutBuffer out = new OutBuffer();
      writer.encode(EdgeMessage.newBuilder().setId("a-1").addKeys("k").setEventTime(5).setValue(ByteString.copyFromUtf8("two\nlines"))
          .build(), out);
      writer.encode(EdgeMessage.newBuilder().setId("a-3").addTags("red").addTags("blue").build(), out);
      writer.encode(EdgeMessage.newBuilder().setId("a-2").setValue(ByteString.copyFrom(new byte[] {(byte) 0xc3})).build(), out);
      Context ctx = vertx.getOrCreateContext();
      OnLoop.awaitOn(ctx, () -> writer.write(out));
      List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
      assertEquals(List.of("id=\"a-1\" keys=[\"k\"] event_time=5 value=\"two\\nlines\"",
          "id=\"a-3\" keys=[] tags=[\"red\",\"blue\"] event_time=0 value=\"\"",
          "id=\"a-2\" keys=[] event_time=0 value_base64=\"ww==\""), lines);
      OnLoop.await(writer.close(), 5000);
    } finally {
      OnLoop.await(vertx.close(), 10_000);
    }
  }
}
