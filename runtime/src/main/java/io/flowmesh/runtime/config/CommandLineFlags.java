package io.flowmesh.runtime.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** A command line read as flags: {@code --key=value} or {@code --key value}. */
final class CommandLineFlags {

  private CommandLineFlags() {
  }

  /**
   * Each flag's key (without {@code --}) and value, in the order given; an argument that is no flag,
   * or a flag without a value, is one line given to {@code problem} and left out.
   */
  static Map<String, String> parse(String[] args, Consumer<String> problem) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || a.length() == 2) {
        problem.accept("unexpected argument '" + a + "': flags look like --key=value or --key value");
        continue;
      }
      String body = a.substring(2);
      int eq = body.indexOf('=');
      if (eq >= 0) {
        flags.put(body.substring(0, eq), body.substring(eq + 1));
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        flags.put(body, args[++i]);
      } else {
        problem.accept("flag --" + body + " has no value");
      }
    }
    return flags;
  }
}
