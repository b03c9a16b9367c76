package io.flowmesh.systemtests;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What the file sink wrote: one NDJSON object per line ({@code id}, {@code keys},
 * {@code event_time}, {@code value}). Generator ids are {@code <prefix>-<n>} with consecutive
 * {@code n}; map's outputs are {@code <input id>/<index>}, so after one map {@code <prefix>-<n>/0}
 * and after a chain of three {@code <prefix>-<n>/0/0/0} (the id suffix, {@link #read(Path, String)}).
 */
final class SinkFile {

  /** The suffix of ids after one map with one output per input. */
  static final String ONE_MAP = "/0";

  /** {@code <prefix>-<n><suffix>}. */
  private final Pattern id;

  /** Occurrences of each id. */
  private final Map<String, Integer> counts = new HashMap<>();
  /** Values by id (the last one written). */
  private final Map<String, String> values = new HashMap<>();
  private final long lines;

  private SinkFile(Path file, String idSuffix) {
    id = Pattern.compile("^(.+)-(\\d+)" + Pattern.quote(idSuffix) + "$");
    long n = 0;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        n++;
        JsonObject o = new JsonObject(line);
        String id = o.getString("id");
        counts.merge(id, 1, Integer::sum);
        values.put(id, o.getString("value"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    lines = n;
  }

  static SinkFile read(Path file) {
    return new SinkFile(file, ONE_MAP);
  }

  /** As {@link #read(Path)} for ids {@code <prefix>-<n><idSuffix>}, e.g. {@code /0/0/0} after three maps. */
  static SinkFile read(Path file, String idSuffix) {
    return new SinkFile(file, idSuffix);
  }

  /** Lines in the file without parsing them (cheap enough to poll). */
  static long countLines(Path file) {
    if (!Files.exists(file)) {
      return 0;
    }
    try (var in = Files.newInputStream(file)) {
      long n = 0;
      byte[] buf = new byte[1 << 16];
      int read;
      while ((read = in.read(buf)) > 0) {
        for (int i = 0; i < read; i++) {
          if (buf[i] == '\n') {
            n++;
          }
        }
      }
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Lines, distinct ids and repeated ids of one generator prefix, counted without keeping the lines. */
  record IdCount(long lines, long distinct, long repeated, long foreign, List<Long> missing) {
  }

  private static final Pattern LINE_ID = Pattern.compile("^\\{\"id\":\"(.+)-(\\d+)/0\"");

  /**
   * Streams a large sink file: ids {@code <prefix>-<n>/0} with {@code n} in {@code [0, expected)}
   * are marked in a bit set (a million lines need 125 KB, not a map of strings); any other id
   * counts as foreign. {@code missing} lists up to ten absent {@code n}.
   */
  static IdCount countIds(Path file, String prefix, int expected) {
    java.util.BitSet seen = new java.util.BitSet(expected);
    long n = 0;
    long repeated = 0;
    long foreign = 0;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        n++;
        Matcher m = LINE_ID.matcher(line);
        long c = m.find() && m.group(1).equals(prefix) ? Long.parseLong(m.group(2)) : -1;
        if (c < 0 || c >= expected) {
          foreign++;
        } else if (seen.get((int) c)) {
          repeated++;
        } else {
          seen.set((int) c);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Long> missing = new java.util.ArrayList<>();
    for (int i = seen.nextClearBit(0); i < expected && missing.size() < 10; i = seen.nextClearBit(i + 1)) {
      missing.add((long) i);
    }
    return new IdCount(n, seen.cardinality(), repeated, foreign, missing);
  }

  long lines() {
    return lines;
  }

  int distinctIds() {
    return counts.size();
  }

  Map<String, String> values() {
    return values;
  }

  /** Ids written more than once, with their counts. */
  Map<String, Integer> duplicates() {
    return counts.entrySet().stream().filter(e -> e.getValue() > 1)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  /** The generator counters {@code n} of the ids {@code <prefix>-<n><suffix>}, sorted. */
  TreeSet<Long> counters(String prefix) {
    TreeSet<Long> out = new TreeSet<>();
    for (String id : counts.keySet()) {
      Matcher m = this.id.matcher(id);
      if (m.matches() && m.group(1).equals(prefix)) {
        out.add(Long.parseLong(m.group(2)));
      }
    }
    return out;
  }

  /** The id prefixes seen (one per source start). */
  List<String> prefixes() {
    return counts.keySet().stream().map(id::matcher).filter(Matcher::matches).map(m -> m.group(1)).distinct().sorted().toList();
  }

  /**
   * Fails unless the counters of {@code prefix} are gap-free from the first one the source
   * produces ({@code first}) to the highest seen: then nothing the source produced was lost.
   */
  static void assertContiguous(TreeSet<Long> counters, long first, String what) {
    if (counters.isEmpty()) {
      throw new AssertionError(what + ": no ids at all");
    }
    long expected = counters.last() - first + 1;
    if (counters.first() != first || counters.size() != expected) {
      TreeSet<Long> missing = new TreeSet<>();
      for (long i = first; i <= counters.last() && missing.size() < 10; i++) {
        if (!counters.contains(i)) {
          missing.add(i);
        }
      }
      throw new AssertionError(what + ": ids " + first + ".." + counters.last() + " should all be there, but "
          + (expected - counters.size()) + " are missing, e.g. " + missing);
    }
  }
}
