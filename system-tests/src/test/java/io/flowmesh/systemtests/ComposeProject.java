package io.flowmesh.systemtests;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compose file — the repository's {@code docker-compose.yml}, or one rendered from a pipeline
 * spec — run as one compose project, with the same environment for every command (ports,
 * FLOWMESH_* values, the engine and base images). {@link #close()} takes it down with its volumes,
 * whatever the test did.
 */
final class ComposeProject implements AutoCloseable {

  private final DockerTestEnv docker;
  private final Path file;
  private final String name;
  private final List<String> profiles;
  private final Map<String, String> env;
  private final Path log;

  ComposeProject(DockerTestEnv docker, String name, List<String> profiles, Map<String, String> env) {
    this(docker, Project.path("docker-compose.yml"), name, profiles, env);
  }

  /** The project of compose file {@code file}. */
  ComposeProject(DockerTestEnv docker, Path file, String name, List<String> profiles, Map<String, String> env) {
    this.docker = docker;
    this.file = file;
    this.name = name;
    this.profiles = profiles;
    this.env = new LinkedHashMap<>(docker.environment());
    this.env.putAll(env);
    this.log = docker.logDir().resolve(name + ".log");
  }

  String name() {
    return name;
  }

  /** Runs {@code compose -p NAME [--profile P] ARGS...}; fails unless it exits 0. Returns stdout. */
  String run(Duration timeout, String... args) {
    DockerTestEnv.Result r = tryRun(timeout, args);
    if (r.exit() != 0) {
      throw new AssertionError("compose " + String.join(" ", args) + " exited " + r.exit() + " (log " + log + "):\n"
          + r.tail());
    }
    return r.stdout();
  }

  DockerTestEnv.Result tryRun(Duration timeout, String... args) {
    List<String> cmd = new ArrayList<>(docker.composeCommand());
    cmd.addAll(List.of("-f", file.toString(), "-p", name));
    for (String p : profiles) {
      cmd.addAll(List.of("--profile", p));
    }
    cmd.addAll(List.of(args));
    return DockerTestEnv.run(cmd, env, log, timeout);
  }

  /**
   * Every container of the project by service: "healthy", "starting" or "unhealthy" for one with
   * a health check, else its state ("running", "exited", ...). One {@code docker ps} call.
   */
  Map<String, List<String>> health() {
    String out = docker.docker(Duration.ofMinutes(1), "ps", "-a", "--filter", "label=com.docker.compose.project=" + name,
        "--format", "{{.Label \"com.docker.compose.service\"}}\t{{.State}}\t{{.Status}}");
    Map<String, List<String>> byService = new java.util.TreeMap<>();
    for (String line : out.lines().filter(l -> !l.isBlank()).toList()) {
      String[] f = line.split("\t");
      String status = f[2];
      String health = status.contains("(healthy)") ? "healthy"
          : status.contains("(unhealthy)") ? "unhealthy"
          : status.contains("(health: starting)") ? "starting" : f[1];
      byService.computeIfAbsent(f[0], k -> new ArrayList<>()).add(health);
    }
    return byService;
  }

  /**
   * Waits until {@code services} run with their number of replicas (1 unless given), each healthy
   * (or running, for a service the compose file gives no health check); fails at once, with the
   * logs, when a container of one of them has stopped. One-shot services are not listed.
   */
  void awaitHealthy(Duration timeout, List<String> services, Map<String, Integer> replicas) {
    ComposeFile compose = ComposeFile.load(file);
    Map<String, List<String>> last = new java.util.HashMap<>();
    Await.until("every container of " + services + " healthy", timeout, () -> {
      last.clear();
      last.putAll(health());
      for (String s : services) {
        List<String> states = last.getOrDefault(s, List.of());
        if (states.stream().anyMatch(h -> h.equals("exited") || h.equals("dead"))) {
          throw new AssertionError("a container of " + s + " stopped: " + last + "\n" + logs());
        }
      }
      for (String s : services) {
        List<String> states = last.getOrDefault(s, List.of());
        String ready = compose.service(s).containsKey("healthcheck") ? "healthy" : "running";
        if (states.size() != replicas.getOrDefault(s, 1) || !states.stream().allMatch(ready::equals)) {
          return false;
        }
      }
      return true;
    }, () -> last + "\n" + logs());
  }

  /** The host port published for {@code containerPort} of replica {@code index} (1-based). */
  int port(String service, int index, int containerPort) {
    String out = run(Duration.ofMinutes(1), "port", "--index=" + index, service, String.valueOf(containerPort)).strip();
    return Integer.parseInt(out.substring(out.lastIndexOf(':') + 1));
  }

  /** The last lines of every service's log, to explain a failure. */
  String logs() {
    DockerTestEnv.Result r = tryRun(Duration.ofMinutes(1), "logs", "--no-color", "--tail", "30");
    return r.stdout() + r.stderr();
  }

  @Override
  public void close() {
    run(Duration.ofMinutes(3), "down", "-v", "--remove-orphans", "--timeout", "30");
  }
}
