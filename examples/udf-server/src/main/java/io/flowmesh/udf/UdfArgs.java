package io.flowmesh.udf;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A UDF's command line: the server options every UDF takes, and the UDF's own options.
 *
 * <p>Options are {@code --name value} or {@code --name=value}. The server options are
 * {@code --address} (or env {@value #ADDRESS_ENV}, default {@value #DEFAULT_ADDRESS}),
 * {@code --mode} ({@value #MODE_ENV}, default {@code unary-map}) and
 * {@code --server-info-file} ({@value #SERVER_INFO_FILE_ENV}, default none). A UDF reads its own
 * options with the typed getters; a bad value is recorded and reported by {@link #finish()}
 * together with every other bad or unknown option, in one message.
 *
 * <h2>Concurrency</h2>
 * Not thread-safe; used once, at start-up.
 */
public final class UdfArgs {

  public static final String ADDRESS_ENV = "FLOWMESH_UDF_ADDRESS";
  /** map-service's own key {@code map.mode}: one environment sets both sides' mode. */
  public static final String MODE_ENV = "FLOWMESH_MAP_MODE";
  public static final String SERVER_INFO_FILE_ENV = "FLOWMESH_UDF_SERVER_INFO_FILE";
  public static final String DEFAULT_ADDRESS = "tcp://127.0.0.1:50051";

  private final Map<String, String> values;
  private final Set<String> read = new LinkedHashSet<>();
  private final List<String> errors = new ArrayList<>();
  private final UdfServerOptions serverOptions;
  /** The UDF's own options as it read them: name to "what, default". */
  private final Map<String, String> own = new LinkedHashMap<>();
  private boolean serverOptionsRead;

  private UdfArgs(Map<String, String> values, Map<String, String> env) {
    this.values = values;
    UdfAddress address = null;
    MapMode mode = null;
    try {
      address = UdfAddress.parse(option("address", env.getOrDefault(ADDRESS_ENV, DEFAULT_ADDRESS)));
    } catch (UsageException e) {
      errors.add(e.getMessage());
    }
    try {
      mode = MapMode.parse(option("mode", env.getOrDefault(MODE_ENV, MapMode.UNARY_MAP.wireName())));
    } catch (UsageException e) {
      errors.add(e.getMessage());
    }
    String info = option("server-info-file", env.get(SERVER_INFO_FILE_ENV));
    UdfTls tls = null;
    String cert = option("tls-cert", null);
    String key = option("tls-key", null);
    String clientCa = option("tls-client-ca", null);
    if (cert != null || key != null || clientCa != null) {
      try {
        if (cert == null || key == null) {
          throw new UsageException("--tls-cert and --tls-key go together");
        }
        tls = new UdfTls(Path.of(cert), Path.of(key), clientCa == null ? null : Path.of(clientCa));
      } catch (UsageException e) {
        errors.add(e.getMessage());
      }
    }
    // On a bad value the default stands in, so the UDF can still read its own options and
    // finish() can report every problem at once; a server is never started with it.
    this.serverOptions = new UdfServerOptions(
        address == null ? UdfAddress.parse(DEFAULT_ADDRESS) : address,
        mode == null ? MapMode.UNARY_MAP : mode,
        info == null || info.isEmpty() ? null : Path.of(info),
        UdfServerOptions.DEFAULT_MAX_MESSAGE_SIZE, tls);
    serverOptionsRead = true;
  }

  /** True if the command line asks for help ({@code --help} or {@code -h}) instead of a server. */
  public static boolean wantsHelp(List<String> args) {
    return args.contains("--help") || args.contains("-h");
  }

  /** True if the command line asks for the version ({@code --version}) instead of a server. */
  public static boolean wantsVersion(List<String> args) {
    return args.contains("--version");
  }

  /** The UDF's own options read so far, one line each: {@code --name  what (default ...)}. */
  public List<String> ownOptions() {
    List<String> lines = new ArrayList<>();
    own.forEach((name, what) -> lines.add(String.format("  --%-24s %s", name, what)));
    return lines;
  }

  private void describe(String name, String what, Object defaultValue) {
    if (serverOptionsRead) {
      own.putIfAbsent(name, what + (defaultValue == null ? "" : " (default " + defaultValue + ")"));
    }
  }

  /**
   * Parses {@code args}, taking server-option defaults from {@code env}.
   *
   * @throws UsageException if an argument is not an option; bad values are reported by {@link #finish()}
   */
  public static UdfArgs parse(List<String> args, Map<String, String> env) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new UsageException("unexpected argument '" + arg + "', options look like --name value");
      }
      int equals = arg.indexOf('=');
      String name;
      String value;
      if (equals > 0) {
        name = arg.substring(2, equals);
        value = arg.substring(equals + 1);
      } else if (i + 1 < args.size()) {
        name = arg.substring(2);
        value = args.get(++i);
      } else {
        throw new UsageException("option " + arg + " needs a value");
      }
      if (values.put(name, value) != null) {
        throw new UsageException("option --" + name + " given twice");
      }
    }
    return new UdfArgs(values, env);
  }

  /** The server options: address, mode, server-info file; valid only if {@link #finish()} passes. */
  public UdfServerOptions serverOptions() {
    return serverOptions;
  }

  /** The option's text, or {@code defaultValue} when not given. */
  public String option(String name, String defaultValue) {
    describe(name, "text", defaultValue);
    read.add(name);
    return values.getOrDefault(name, defaultValue);
  }

  /** Whether the option was given. */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** A whole number {@code >= 0}. */
  public long count(String name, long defaultValue) {
    describe(name, "a whole number >= 0", defaultValue);
    String text = option(name, null);
    if (text == null) {
      return defaultValue;
    }
    try {
      long value = Long.parseLong(text.trim());
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    errors.add("--" + name + " '" + text + "': expected a whole number >= 0");
    return defaultValue;
  }

  /** A fraction in {@code [0, 1]}. */
  public double fraction(String name, double defaultValue) {
    describe(name, "a fraction from 0 to 1", defaultValue);
    String text = option(name, null);
    if (text == null) {
      return defaultValue;
    }
    try {
      double value = Double.parseDouble(text.trim());
      if (value >= 0 && value <= 1) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    errors.add("--" + name + " '" + text + "': expected a fraction between 0 and 1");
    return defaultValue;
  }

  /** A duration such as {@code 250ms}, {@code 5s}, {@code 2m}; see {@link Durations#parse}. */
  public Duration duration(String name, Duration defaultValue) {
    describe(name, "a duration such as 250ms or 5s", defaultValue == null ? null
        : defaultValue.toMillis() % 1000 == 0 ? defaultValue.toSeconds() + "s" : defaultValue.toMillis() + "ms");
    String text = option(name, null);
    if (text == null) {
      return defaultValue;
    }
    try {
      return Durations.parse(text);
    } catch (UsageException e) {
      errors.add("--" + name + ": " + e.getMessage());
      return defaultValue;
    }
  }

  /** Records a problem found by the UDF's own checks, to be reported by {@link #finish()}. */
  public void error(String message) {
    errors.add(message);
  }

  /**
   * Ends parsing: throws one {@link UsageException} naming every bad value and every option no
   * one read.
   */
  public void finish() {
    List<String> all = new ArrayList<>(errors);
    for (String name : values.keySet()) {
      if (!read.contains(name)) {
        all.add("unknown option --" + name);
      }
    }
    if (!all.isEmpty()) {
      throw new UsageException(String.join("; ", all));
    }
  }
}
