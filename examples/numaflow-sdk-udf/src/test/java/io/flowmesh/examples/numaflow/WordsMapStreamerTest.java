package io.flowmesh.examples.numaflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.numaproj.numaflow.mapstreamer.Datum;
import io.numaproj.numaflow.mapstreamer.Message;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WordsMapStreamerTest {

  private static List<Message> run(WordsMapStreamer streamer, String value) {
    List<Message> out = new ArrayList<>();
    Datum datum = new Datum() {
      public byte[] getValue() {
        return value.getBytes(StandardCharsets.UTF_8);
      }

      public Instant getEventTime() {
        return Instant.EPOCH;
      }

      public Instant getWatermark() {
        return Instant.EPOCH;
      }

      public Map<String, String> getHeaders() {
        return Map.of();
      }
    };
    streamer.processMessage(new String[] {"k"}, datum, out::add);
    return out;
  }

  private static List<String> values(List<Message> messages) {
    return messages.stream().map(m -> new String(m.getValue(), StandardCharsets.UTF_8)).toList();
  }

  @Test
  void oneResultPerWordKeepingTheKeys() {
    List<Message> out = run(new WordsMapStreamer(0, 0), "  the quick\tbrown  fox ");
    assertEquals(List.of("the", "quick", "brown", "fox"), values(out));
    assertArrayEquals(new String[] {"k"}, out.get(0).getKeys());
    assertEquals(List.of(), values(run(new WordsMapStreamer(0, 0), "   ")));
  }

  @Test
  void chunkCutsTheValueIntoPiecesOfThatLength() {
    assertEquals(List.of("abc", "def", "gh"), values(run(new WordsMapStreamer(0, 3), "abcdefgh")));
  }

  @Test
  void badSubcommandArgumentsAreRefusedWithAReason() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SdkStreamServer.create(List.of("--delay-ms", "-1")));
    assertEquals("--delay-ms '-1' is not a whole number 0..60000", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SdkStreamServer.create(List.of("--address", "http://x")));
    assertEquals("--address 'http://x' is neither tcp://HOST:PORT nor unix:///PATH", e.getMessage());
  }
}
