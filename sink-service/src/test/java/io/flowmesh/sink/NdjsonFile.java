package io.flowmesh.sink;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** What a file sink wrote: its lines and the distinct ids among them. */
record NdjsonFile(long lines, Set<String> ids) {

  private static final String PREFIX = "{\"id\":\"";

  /** Reads the file, taking each line's id from its start (the sink writes {@code id} first). */
  static NdjsonFile read(Path path) throws IOException {
    long lines = 0;
    Set<String> ids = new HashSet<>();
    if (!Files.exists(path)) {
      return new NdjsonFile(0, ids);
    }
    try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        lines++;
        if (!line.startsWith(PREFIX)) {
          throw new AssertionError("line " + lines + " does not start with the id: " + line);
        }
        ids.add(line.substring(PREFIX.length(), line.indexOf('"', PREFIX.length())));
      }
    }
    return new NdjsonFile(lines, ids);
  }

  long duplicates() {
    return lines - ids.size();
  }
}
