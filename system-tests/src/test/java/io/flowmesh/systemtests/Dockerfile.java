package io.flowmesh.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The repository's Dockerfile as a list of instructions grouped in stages (continuation lines joined). */
final class Dockerfile {

  static final Path FILE = Project.path("Dockerfile");

  /** One instruction: keyword (upper case) and its arguments. */
  record Instruction(String keyword, String args) {
  }

  /** One stage: its FROM image, its alias (or null), its instructions. */
  record Stage(String image, String alias, List<Instruction> instructions) {

    List<String> args(String keyword) {
      return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::args).toList();
    }
  }

  private final List<Stage> stages = new ArrayList<>();
  /** ARGs declared before the first FROM, with their defaults: they may be used in FROM. */
  private final Map<String, String> globalArgs = new LinkedHashMap<>();

  private Dockerfile(List<String> lines) {
    StringBuilder current = new StringBuilder();
    List<String> logical = new ArrayList<>();
    for (String line : lines) {
      String t = line.strip();
      if (current.isEmpty() && (t.isEmpty() || t.startsWith("#"))) {
        continue;
      }
      if (t.startsWith("#")) {
        continue; // a comment inside a continued instruction
      }
      if (t.endsWith("\\")) {
        current.append(t, 0, t.length() - 1).append(' ');
      } else {
        current.append(t);
        logical.add(current.toString());
        current.setLength(0);
      }
    }
    for (String l : logical) {
      int sp = l.indexOf(' ');
      String keyword = l.substring(0, sp).toUpperCase();
      String args = l.substring(sp + 1).strip();
      if (keyword.equals("FROM")) {
        String[] p = args.split("\\s+");
        stages.add(new Stage(withDefaults(p[0]), p.length >= 3 && p[1].equalsIgnoreCase("AS") ? p[2] : null, new ArrayList<>()));
      } else if (stages.isEmpty() && keyword.equals("ARG")) {
        int eq = args.indexOf('=');
        globalArgs.put(eq < 0 ? args : args.substring(0, eq), eq < 0 ? "" : args.substring(eq + 1));
      } else if (stages.isEmpty()) {
        throw new AssertionError("instruction before FROM: " + l);
      } else {
        stages.get(stages.size() - 1).instructions().add(new Instruction(keyword, args));
      }
    }
  }

  /** {@code ${NAME}} and {@code $NAME} replaced by the default of global ARG NAME. */
  private String withDefaults(String image) {
    String out = image;
    for (Map.Entry<String, String> a : globalArgs.entrySet()) {
      out = out.replace("${" + a.getKey() + "}", a.getValue()).replace("$" + a.getKey(), a.getValue());
    }
    return out;
  }

  /** The ARGs declared before the first FROM, with their defaults. */
  Map<String, String> globalArgs() {
    return globalArgs;
  }

  static Dockerfile load() {
    try {
      return new Dockerfile(Files.readAllLines(FILE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<Stage> stages() {
    return stages;
  }

  Stage stage(String alias) {
    return stages.stream().filter(s -> alias.equals(s.alias())).findFirst()
        .orElseThrow(() -> new AssertionError("no stage " + alias));
  }

  Stage runtime() {
    return stages.get(stages.size() - 1);
  }

  /**
   * What the runtime stage copies from the build stage: image path → path in the repository
   * (the build stage's WORKDIR is the repository root).
   */
  Map<String, Path> copiedFromBuild() {
    String workdir = stage("build").args("WORKDIR").get(0);
    Map<String, Path> out = new LinkedHashMap<>();
    for (String copy : runtime().args("COPY")) {
      if (!copy.startsWith("--from=build ")) {
        continue;
      }
      String[] p = copy.substring("--from=build ".length()).strip().split("\\s+");
      if (p.length != 2 || !p[0].startsWith(workdir + "/")) {
        throw new AssertionError("expected COPY --from=build " + workdir + "/<path> /app/<jar>: " + copy);
      }
      out.put(p[1], Project.root().resolve(p[0].substring(workdir.length() + 1)));
    }
    return out;
  }
}
