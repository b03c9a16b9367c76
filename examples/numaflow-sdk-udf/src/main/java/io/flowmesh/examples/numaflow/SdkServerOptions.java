package io.flowmesh.examples.numaflow;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Where an SDK server listens, parsed the same way for every subcommand: {@code --port N} (TCP,
 * all interfaces), {@code --socket PATH} (a Unix socket), {@code --address tcp://HOST:PORT|unix:///PATH}
 * (the same, as {@code scripts/run-local.sh} and map-service spell it) and
 * {@code --server-info-file PATH}; every other {@code --name value} must be one of the
 * subcommand's own options, kept in {@link #own()}.
 *
 * <p>Without {@code --port} or {@code --socket} the SDK decides as it does in a Numaflow pod:
 * plain TCP on the kind's default port when env {@code NUMAFLOW_POD} is unset, else its default
 * Unix socket and server-info file under {@code /var/run/numaflow}. On a socket the server-info
 * file goes next to it unless {@code --server-info-file} says otherwise; on TCP it goes to a
 * temporary directory of this process, since some of the SDK's servers (batch map, map stream,
 * source transformer) write it even on TCP, where nothing reads it.
 *
 * @param kind the SDK server's kind, e.g. {@code map}; names its temporary directory
 * @param port TCP port to listen on (all interfaces); {@code null}: not given
 * @param socket Unix socket to listen on; {@code null}: not given
 * @param serverInfoFile where the SDK writes its server-info file; {@code null}: the SDK's default
 * @param own the subcommand's own options by name (without {@code --}), in the order given
 */
record SdkServerOptions(String kind, Integer port, Path socket, Path serverInfoFile, Map<String, String> own) {

  /** The options every subcommand takes, for its usage line. */
  static final String LISTEN_USAGE = "[--port N | --socket PATH | --address tcp://HOST:PORT|unix:///PATH] [--server-info-file PATH]";

  /**
   * Parses {@code args} (after the subcommand); {@link IllegalArgumentException} with a one-line
   * reason otherwise.
   *
   * @param kind the server's kind, e.g. {@code mapstream}
   * @param infoFileName the SDK's server-info file name for the kind, e.g. {@code mapper-server-info}
   * @param ownNames the subcommand's own option names, without {@code --}
   */
  static SdkServerOptions parse(List<String> args, String kind, String infoFileName, Set<String> ownNames) {
    Integer port = null;
    Path socket = null;
    Path info = null;
    Map<String, String> own = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i += 2) {
      String name = args.get(i);
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException("option " + name + " needs a value");
      }
      String value = args.get(i + 1);
      switch (name) {
        case "--port" -> port = once(name, port, parsePort(name, value));
        case "--socket" -> socket = once(name, socket, Path.of(value).toAbsolutePath());
        case "--server-info-file" -> info = once(name, info, Path.of(value).toAbsolutePath());
        case "--address" -> {
          if (value.startsWith("unix://") && value.length() > "unix://".length()) {
            socket = once("--socket", socket, Path.of(value.substring("unix://".length())).toAbsolutePath());
          } else if (value.startsWith("tcp://") && value.lastIndexOf(':') > "tcp://".length()) {
            port = once("--port", port, parsePort(name, value.substring(value.lastIndexOf(':') + 1)));
          } else {
            throw new IllegalArgumentException("--address '" + value + "' is neither tcp://HOST:PORT nor unix:///PATH");
          }
        }
        default -> {
          if (!name.startsWith("--") || !ownNames.contains(name.substring(2))) {
            throw new IllegalArgumentException("unknown option " + name);
          }
          once(name, own.put(name.substring(2), value), value);
        }
      }
    }
    if (port != null && socket != null) {
      throw new IllegalArgumentException("give --port or --socket, not both");
    }
    if (socket != null && info == null) {
      info = socket.resolveSibling(infoFileName);
    }
    if (info == null && socket == null && (port != null || System.getenv("NUMAFLOW_POD") == null)) { // TCP
      info = Path.of(System.getProperty("java.io.tmpdir"), "numaflow-sdk-" + kind + "-" + ProcessHandle.current().pid(), infoFileName);
    }
    return new SdkServerOptions(kind, port, socket, info, Map.copyOf(own));
  }

  /** Whether the SDK serves TCP: no socket given, and a port given or not in a Numaflow pod. */
  boolean local() {
    return socket == null && (port != null || System.getenv("NUMAFLOW_POD") == null);
  }

  /**
   * Configures one of the SDK's {@code GRPCConfig} builders (they share no interface):
   * {@code options.configure(config::isLocal, config::port, config::socketPath, config::infoFilePath)}.
   * The kind's default port applies when serving TCP without {@code --port}.
   */
  void configure(int defaultPort, Consumer<Boolean> isLocal, IntConsumer setPort, Consumer<String> socketPath,
      Consumer<String> infoFilePath) {
    isLocal.accept(local());
    if (local()) {
      setPort.accept(port == null ? defaultPort : port);
    }
    if (socket != null) {
      socketPath.accept(socket.toString());
    }
    if (serverInfoFile != null) {
      infoFilePath.accept(serverInfoFile.toString());
    }
  }

  /** Where it listens: {@code tcp://0.0.0.0:port} or {@code unix:///path} ({@code defaultSocket} when the SDK chose it). */
  String address(int defaultPort, String defaultSocket) {
    return local() ? "tcp://0.0.0.0:" + (port == null ? defaultPort : port) : "unix://" + (socket == null ? defaultSocket : socket);
  }

  /** The own option {@code name}, or {@code defaultValue} if not given. */
  String option(String name, String defaultValue) {
    return own.getOrDefault(name, defaultValue);
  }

  /** Makes the server-info file's directory (the SDK writes the file but does not create its directory). */
  void createServerInfoDirectory() throws java.io.IOException {
    if (serverInfoFile != null) {
      java.nio.file.Files.createDirectories(serverInfoFile.getParent());
    }
  }

  /** The own option {@code name} as a whole number in {@code [min, max]}, or {@code defaultValue}. */
  long number(String name, long defaultValue, long min, long max) {
    String text = own.get(name);
    if (text == null) {
      return defaultValue;
    }
    try {
      long n = Long.parseLong(text);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--" + name + " '" + text + "' is not a whole number " + min + ".." + max);
  }

  private static <T> T once(String name, T before, T value) {
    if (before != null) {
      throw new IllegalArgumentException("option " + name + " given twice");
    }
    return value;
  }

  private static int parsePort(String name, String value) {
    try {
      int port = Integer.parseInt(value);
      if (port > 0 && port < 65536) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " '" + value + "' is not a port number 1..65535");
  }
}
