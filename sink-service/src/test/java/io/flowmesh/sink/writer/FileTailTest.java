package io.flowmesh.sink.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTailTest {

  @TempDir
  Path dir;

  @Test
  void theLastIdsAreReadInOrderAcrossBlockBoundariesSkippingLinesThatAreNotOurs() throws Exception {
    Path f = dir.resolve("out.ndjson");
    StringBuilder b = new StringBuilder();
    String pad = "x".repeat(200);
    for (int i = 0; i < 20_000; i++) {
      b.append("{\"id\":\"m").append(i).append("\",\"keys\":[],\"event_time\":0,\"value\":\"").append(pad).append("\"}\n");
      if (i == 19_990) {
        b.append("not json\n");
      }
    }
    Files.writeString(f, b);
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
      List<String> ids = FileTail.lastIds(ch, 15_000);
      assertEquals(14_999, ids.size(), "one of the last 15,000 lines is not ours");
      assertEquals("m5001", ids.get(0));
      assertEquals("m19999", ids.get(ids.size() - 1));
      assertEquals(List.of(), FileTail.lastIds(ch, 0));
    }
  }

  @Test
  void repairCutsOnlyAPartialLastLine() throws Exception {
    Path f = dir.resolve("out.ndjson");
    Files.writeString(f, "{\"id\":\"a\"}\n{\"id\":\"b\"}\n{\"id\":\"c");
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      assertEquals(8, FileTail.repair(ch));
      assertEquals(0, FileTail.repair(ch));
    }
    assertEquals("{\"id\":\"a\"}\n{\"id\":\"b\"}\n", Files.readString(f));
  }
}
