package io.flowmesh.runtime.service;

import ch.qos.logback.classic.Level;
import io.flowmesh.runtime.config.ConfigException;
import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.KeyReference;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What every Flowmesh {@code main} does the same way (the vertex services through
 * {@link VertexMain}, the console): {@code --help}, {@code --help-markdown} and {@code --version},
 * {@code --check} (validate the configuration, start nothing), the report of an invalid configuration (exit status 2), and the {@code log.level} of the
 * {@code io.flowmesh} loggers.
 */
public final class MainCommands {

  private MainCommands() {
  }

  /**
   * Answers {@code --help} / {@code -h}, {@code --help-markdown} or {@code --version} when one is in
   * {@code args}.
   *
   * @param program the program's name in the version line, e.g. {@code map-service}
   * @param jar the jar's file name in the usage line, e.g. {@code map-service.jar}
   * @param keys every key the program reads
   * @return true when one was answered and the program should end
   */
  public static boolean answered(String[] args, String program, String jar, List<ConfigKey<?>> keys) {
    for (String a : args) {
      switch (a) {
        case "--help-markdown" -> {
          System.out.print(KeyReference.markdown(keys));
          return true;
        }
        case "--version" -> {
          String version = MainCommands.class.getPackage().getImplementationVersion();
          System.out.println(program + " " + (version == null ? "unknown (not run from its jar)" : version));
          return true;
        }
        case "--help", "-h" -> {
          System.out.println("Usage: java -jar " + jar + " [--config FILE] [--key=value ...] [--check] | --help | --version\n\n"
              + "--check: validate the configuration as a start does: say it is valid and exit 0,"
              + " or print every problem and exit 2; start nothing.\n\nKeys:");
          System.out.print(KeyReference.help(keys));
          return true;
        }
        default -> {
        }
      }
    }
    return false;
  }

  /** The flag that asks a {@code main} to validate its configuration and start nothing. */
  public static final String CHECK = "--check";

  /** Whether {@code args} hold {@link #CHECK}. */
  public static boolean wantsCheck(String[] args) {
    return java.util.Arrays.asList(args).contains(CHECK);
  }

  /** {@code args} without {@link #CHECK}: the command line the configuration is read from. */
  public static String[] withoutCheck(String[] args) {
    return java.util.Arrays.stream(args).filter(a -> !a.equals(CHECK)).toArray(String[]::new);
  }

  /** Reports every problem of an invalid configuration on stderr and exits with status 2. */
  public static void exitInvalid(String name, ConfigException e) {
    System.err.println(name + ": invalid configuration:");
    e.problems().forEach(p -> System.err.println("  " + p));
    System.exit(2);
  }

  /** Sets the level of the {@code io.flowmesh} loggers ({@code log.level}); an unknown name means INFO. */
  public static void setLogLevel(String level) {
    if (LoggerFactory.getLogger("io.flowmesh") instanceof ch.qos.logback.classic.Logger root) {
      root.setLevel(Level.toLevel(level, Level.INFO));
    }
  }
}
