package io.flowmesh.runtime.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The value types configuration keys use. */
public final class Types {

  private Types() {
  }

  /** Any text, including empty. */
  public static final ValueType<String> STRING = simple("any text", s -> s);

  /** true or false. */
  public static final ValueType<Boolean> BOOLEAN = simple("true or false", s -> {
    switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new IllegalArgumentException();
    }
  });

  /** An int within {@code [min, max]}. */
  public static ValueType<Integer> intRange(int min, int max) {
    return simple("an integer from " + min + " to " + max, s -> {
      long v = Long.parseLong(s.trim());
      if (v < min || v > max) {
        throw new IllegalArgumentException();
      }
      return (int) v;
    });
  }

  /** A long within {@code [min, max]}. */
  public static ValueType<Long> longRange(long min, long max) {
    return simple("an integer from " + min + " to " + max, s -> {
      long v = Long.parseLong(s.trim());
      if (v < min || v > max) {
        throw new IllegalArgumentException();
      }
      return v;
    });
  }

  /** A double within {@code [min, max]}. */
  public static ValueType<Double> doubleRange(double min, double max) {
    return simple("a number from " + min + " to " + max, s -> {
      double v = Double.parseDouble(s.trim());
      if (!(v >= min && v <= max)) {
        throw new IllegalArgumentException();
      }
      return v;
    });
  }

  /** A TCP port, 0 (any free port) to 65535. */
  public static final ValueType<Integer> PORT = intRange(0, 65535);

  /**
   * A duration: a number and a unit, {@code us}, {@code ms}, {@code s}, {@code m} or {@code h}
   * ({@code 500ms}, {@code 1.5s}, {@code 2m}). A bare number other than {@code 0} is refused: it
   * would be a guess whether {@code 5} means milliseconds or seconds.
   */
  public static final ValueType<Duration> DURATION = simple(
      "a number and a unit (us, ms, s, m, h), such as 250ms, 5s, 2m or 1h", Types::parseDuration);

  /**
   * A duration ({@link #DURATION}) from {@code min} to {@code max}, both written as a user would
   * ({@code "1s"}, {@code "24h"}). The bounds keep a value within what the code using it can hold
   * (Vert.x takes several timeouts as int milliseconds, at most about 24 days) and refuse what has
   * no sensible meaning, such as a zero timeout; a value too large to hold at all is refused too.
   */
  public static ValueType<Duration> durationRange(String min, String max) {
    Duration lo = parseDuration(min);
    Duration hi = parseDuration(max);
    if (lo.compareTo(hi) > 0) {
      throw new IllegalArgumentException("durationRange: " + min + " is above " + max);
    }
    return simple("a duration from " + min + " to " + max + " (a number and a unit: us, ms, s, m, h)", s -> {
      Duration d = parseDuration(s);
      if (d.compareTo(lo) < 0 || d.compareTo(hi) > 0) {
        throw new IllegalArgumentException();
      }
      return d;
    });
  }

  /**
   * A name usable as a metric label and in logs: 1 to 63 letters, digits, {@code -}, {@code _}
   * or {@code .}, starting with a letter or digit.
   */
  public static final ValueType<String> NAME = simple(
      "a name of 1 to 63 letters, digits, '-', '_' or '.', starting with a letter or digit", s -> {
        if (!s.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
          throw new IllegalArgumentException();
        }
        return s;
      });

  /** A non-negative size in bytes: {@code 512}, {@code 64KiB}, {@code 4MiB}, {@code 1GiB} (KB/MB/GB are 1000-based). */
  public static final ValueType<Long> SIZE = simple(
      "a size such as 512, 64KiB, 4MiB or 1GiB", Types::parseSize);

  /** One of the given words, case-insensitive; parses to the word in lower case. */
  public static ValueType<String> oneOf(String... words) {
    List<String> allowed = Arrays.stream(words).map(w -> w.toLowerCase(Locale.ROOT)).collect(Collectors.toList());
    return simple("one of " + String.join(", ", allowed), s -> {
      String w = s.trim().toLowerCase(Locale.ROOT);
      if (!allowed.contains(w)) {
        throw new IllegalArgumentException();
      }
      return w;
    });
  }

  /**
   * One or more names separated by commas ({@code map} or {@code map,sink}), each of letters,
   * digits, {@code .}, {@code _} and {@code -}, or {@code *}; parses to the set of names in order.
   */
  public static final ValueType<Set<String>> NAMES = simple("comma-separated names (letters, digits, . _ -), or *", s -> {
    Set<String> names = new LinkedHashSet<>();
    for (String part : s.split(",", -1)) {
      String name = part.trim();
      if (!name.equals("*") && !name.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException();
      }
      names.add(name);
    }
    return Set.copyOf(names);
  });

  /** {@code host:port}; the port must be 1 to 65535. */
  public static final ValueType<HostPort> HOST_PORT = simple("host:port, e.g. 127.0.0.1:7001", HostPort::parse);

  /**
   * One or more {@code host:port}, comma-separated ({@code map-a:7002,map-b:7002}); each entry is
   * a name (resolved to every address behind it) or a literal address.
   */
  public static final ValueType<List<HostPort>> HOST_PORTS = simple(
      "host:port, or several separated by commas, e.g. 127.0.0.1:7002,127.0.0.2:7002", Types::parseHostPorts);

  static List<HostPort> parseHostPorts(String text) {
    List<HostPort> out = new java.util.ArrayList<>();
    for (String part : text.split(",", -1)) {
      HostPort hp = HostPort.parse(part);
      if (!out.contains(hp)) {
        out.add(hp);
      }
    }
    return List.copyOf(out);
  }

  static Duration parseDuration(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    int i = 0;
    while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
      i++;
    }
    if (i == 0) {
      throw new IllegalArgumentException();
    }
    double n = Double.parseDouble(s.substring(0, i));
    String unit = s.substring(i).trim();
    if (unit.isEmpty() && n != 0) {
      throw new Reason("a duration needs a unit: 5s, 500ms, 2m (units: us, ms, s, m, h)");
    }
    double millis;
    switch (unit) {
      case "":
      case "ms":
        millis = n;
        break;
      case "us":
        millis = n / 1000.0;
        break;
      case "s":
        millis = n * 1000.0;
        break;
      case "m":
        millis = n * 60_000.0;
        break;
      case "h":
        millis = n * 3_600_000.0;
        break;
      default:
        throw new IllegalArgumentException();
    }
    return Duration.ofNanos(Math.round(millis * 1_000_000.0));
  }

  static long parseSize(String text) {
    String s = text.trim();
    int i = 0;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    if (i == 0) {
      throw new IllegalArgumentException();
    }
    long n = Long.parseLong(s.substring(0, i));
    String unit = s.substring(i).trim().toLowerCase(Locale.ROOT);
    long mult;
    switch (unit) {
      case "":
      case "b":
        mult = 1;
        break;
      case "kib":
      case "k":
        mult = 1L << 10;
        break;
      case "mib":
      case "m":
        mult = 1L << 20;
        break;
      case "gib":
      case "g":
        mult = 1L << 30;
        break;
      case "kb":
        mult = 1000L;
        break;
      case "mb":
        mult = 1000_000L;
        break;
      case "gb":
        mult = 1000_000_000L;
        break;
      default:
        throw new IllegalArgumentException();
    }
    return Math.multiplyExact(n, mult);
  }

  /** A parse failure with its own explanation, shown instead of the generic "allowed is ...". */
  static final class Reason extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    Reason(String message) {
      super(message);
    }
  }

  private interface Parser<T> {
    T parse(String s);
  }

  private static <T> ValueType<T> simple(String allowed, Parser<T> parser) {
    return new ValueType<>() {
      @Override
      public T parse(String text) {
        try {
          return parser.parse(text);
        } catch (Reason e) {
          throw e;
        } catch (RuntimeException e) {
          throw new IllegalArgumentException("allowed is " + allowed, e);
        }
      }

      @Override
      public String allowed() {
        return allowed;
      }
    };
  }
}
