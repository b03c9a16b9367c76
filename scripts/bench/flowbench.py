#!/usr/bin/env python3
"""Flowmesh benchmarks: the real jars as separate processes on loopback, eleven scenarios.

Started by scripts/bench.sh (which builds the jars when missing); Python 3 standard library only.
Scenario 8 (kafkabench.py) also runs a local Kafka broker (the kafka-broker module) and
flowmesh-bench.jar's kafka-preload and kafka-loop (the plain consume-then-produce loop it compares with).
Every process this script starts is recorded in <run>/pids and stopped when it ends, whatever
the reason (SIGTERM first, SIGKILL after a grace period). See --help and BENCHMARKS.md.
"""

import argparse
import datetime
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

# kafkabench (scenario 8), graphbench (9) and servingbench (11) import this module by name; run as a script, it is __main__: one module, not two.
sys.modules.setdefault("flowbench", sys.modules[__name__])
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import kstalls  # noqa: E402
import svgchart  # noqa: E402

JARS = {
    "source": "source-service/target/source-service.jar",
    "map": "map-service/target/map-service.jar",
    "sink": "sink-service/target/sink-service.jar",
    "udf": "examples/udf-server/target/flowmesh-udf.jar",
}
TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
SKEW = "95%:1ms,5%:50ms"
SKEW_MEAN_MS = 0.95 * 1 + 0.05 * 50  # 3.45 ms
ALL_SCENARIOS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
NAMES = {1: "transport limit (source -> sink)", 2: "pipeline (source -> map(cat) -> sink)",
         3: "skewed latency: map vs batch-map", 4: "backpressure (throttled sink)",
         5: "end-to-end latency at 50% of max", 6: "soak at a fixed rate", 7: "concurrency sweep",
         8: "Kafka -> map(cat) -> Kafka vs a plain consume-produce loop",
         9: "three-map chain (and fan-out) vs one map (cat), same run",
         10: "map.concurrency=auto vs fixed settings, UDF saturating at K",
         11: "serving: sync requests (cat) at 1,000/s and the highest rate holding p99 < 10 ms"}


class BenchError(Exception):
    pass


def log(msg):
    print(f"[{datetime.datetime.now().strftime('%H:%M:%S')}] {msg}", flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def cpu_busy_ticks():
    """Non-idle jiffies of the whole machine (all cores), from /proc/stat."""
    with open("/proc/stat") as f:
        parts = [int(x) for x in f.readline().split()[1:]]
    idle = parts[3] + (parts[4] if len(parts) > 4 else 0)
    return sum(parts[:8]) - idle


def proc_ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
        fields = s[s.rindex(")") + 2:].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, ValueError, IndexError):
        return None


def proc_sys_ticks(pid):
    """Kernel-mode jiffies (stime) of a process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
        return int(s[s.rindex(")") + 2:].split()[12])
    except (OSError, ValueError, IndexError):
        return None


def thread_sched(pid):
    """{tid: (name, ns on a CPU, ns runnable but waiting for one)} of a process's threads, from
    /proc/<pid>/task/<tid>/comm and schedstat (names cut to 15 characters by the kernel)."""
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
            out[tid] = (name, *kstalls.schedstat(f"/proc/{pid}/task/{tid}/schedstat"))
        except (OSError, ValueError):
            continue
    return out


def collector_thread(name):
    """Whether a JVM thread collects garbage: the serial collector runs in the VM thread, the
    others in their own (G1/Parallel "GC Thread#n", G1's concurrent and refinement threads)."""
    return name == "VM Thread" or name.startswith(("GC Thread", "G1 "))


def loop_and_gc(a, b, dt):
    """From two thread_sched() readings of one process over `dt` seconds: the busiest event-loop
    thread's seconds on a CPU and waiting for one, per second, the same of the second busiest, and
    the collector threads' seconds on a CPU per second (None when the process had no event-loop
    thread in both readings)."""
    loops = []
    gc = 0.0
    for tid, (name, run, wait) in b.items():
        if tid not in a:
            continue
        d_run = (run - a[tid][1]) / 1e9 / dt
        d_wait = (wait - a[tid][2]) / 1e9 / dt
        if name.startswith("vert.x-eventloo"):
            loops.append((d_run, d_wait))
        elif collector_thread(name):
            gc += d_run
    if not loops:
        return None
    loops.sort(reverse=True)
    second = loops[1] if len(loops) > 1 else (0.0, 0.0)
    return {"loop_cpu": loops[0][0], "loop_wait": loops[0][1], "gc_cpu": gc,
            "loop2_cpu": second[0], "loop2_wait": second[1]}


def threads_between(a, b, dt):
    """loop_and_gc() of every process read in both snapshots that has an event loop."""
    out = {}
    for n, later in b.get("sched", {}).items():
        earlier = a.get("sched", {}).get(n)
        x = loop_and_gc(earlier, later, dt) if earlier and dt > 0 else None
        if x is not None:
            out[n] = x
    return out


def proc_rss_mb(pid):
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE / (1 << 20)
    except (OSError, ValueError, IndexError):
        return None


_HANDED_OUT = set()


def _ephemeral_low():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.readline().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _bindable(port):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def free_ports(n):
    """n free loopback ports, from below the kernel's ephemeral range and never handed out twice.

    Port 0 would pick from the range the processes' own outgoing connections take their local
    ports from: a service that dials its upstreams before it binds its port could find it taken by
    one of them (runtime's PortFinder does the same for the Java tests)."""
    low, ports = _ephemeral_low(), []
    while len(ports) < n:
        port = None
        if low - 10000 >= 1000:
            for _ in range(200):
                p = 10000 + secrets.randbelow(low - 10000)
                if p not in _HANDED_OUT and _bindable(p):
                    port = p
                    break
        if port is None:  # no room below the range: let the kernel choose
            s = socket.socket()
            try:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            finally:
                s.close()
            if port in _HANDED_OUT:
                continue
        _HANDED_OUT.add(port)
        ports.append(port)
    return ports


def http_get(url, timeout=5.0):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read().decode("utf-8", "replace")


def parse_prometheus(text):
    """{name: total over label sets}, plus {'<name>{le}': ...} buckets of histograms kept apart."""
    sums, buckets = {}, {}
    for line in text.splitlines():
        if not line or line[0] == "#":
            continue
        try:
            head, value = line.rsplit(" ", 1)
            v = float(value)
        except ValueError:
            continue
        name = head.split("{", 1)[0]
        if name.endswith("_bucket"):
            m = re.search(r'le="([^"]+)"', head)
            if m:
                le = math.inf if m.group(1) == "+Inf" else float(m.group(1))
                buckets.setdefault(name, {})
                buckets[name][le] = buckets[name].get(le, 0.0) + v
            continue
        sums[name] = sums.get(name, 0.0) + v
    return sums, buckets


def quantile(buckets_delta, q):
    """Prometheus-style histogram_quantile over {le: cumulative count} deltas, in the le unit."""
    les = sorted(buckets_delta)
    if not les:
        return None
    total = buckets_delta[les[-1]]
    if total <= 0:
        return None
    rank = q * total
    prev_le, prev_c = 0.0, 0.0
    for le in les:
        c = buckets_delta[le]
        if c >= rank:
            if math.isinf(le):
                return prev_le
            if c == prev_c:
                return le
            return prev_le + (le - prev_le) * (rank - prev_c) / (c - prev_c)
        prev_le, prev_c = le, c
    return les[-2] if len(les) > 1 else None


def slope_per_minute(points):
    """Least-squares slope of [(t_seconds, y)] in y per minute."""
    pts = [(t, y) for t, y in points if y is not None]
    if len(pts) < 3:
        return None
    mt = sum(t for t, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    den = sum((t - mt) ** 2 for t, _ in pts)
    if den == 0:
        return None
    return sum((t - mt) * (y - my) for t, y in pts) / den * 60


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


# ------------------------------------------------------------------------------------------------
class Proc:
    def __init__(self, name, popen, logpath):
        self.name, self.popen, self.log = name, popen, logpath

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def tail(self, n=25):
        try:
            with open(self.log, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""


class Registry:
    """Every process started, so that one cleanup stops them all (by pid, never by name)."""

    def __init__(self, run_dir):
        self.procs = []
        self.pidfile = os.path.join(run_dir, "pids")
        self.lock = threading.Lock()

    def start(self, name, cmd, logpath, env=None):
        logf = open(logpath, "ab")
        e = {k: v for k, v in os.environ.items() if not k.startswith("FLOWMESH_") and k != "JAVA_TOOL_OPTIONS"}
        e.update(env or {})
        p = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=e,
                             cwd=os.path.dirname(logpath), start_new_session=True)
        logf.close()
        proc = Proc(name, p, logpath)
        with self.lock:
            self.procs.append(proc)
            with open(self.pidfile, "a") as f:
                f.write(f"{p.pid}\n")
        return proc

    def stop(self, procs, grace=15.0):
        for p in procs:
            if p.alive():
                try:
                    p.popen.send_signal(signal.SIGTERM)
                except OSError:
                    pass
        deadline = time.monotonic() + grace
        for p in procs:
            try:
                p.popen.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.popen.kill()
                p.popen.wait(10)

    def stop_all(self):
        with self.lock:
            procs = list(self.procs)
        self.stop([p for p in procs if p.alive()], grace=10.0)


# ------------------------------------------------------------------------------------------------
class Pipeline:
    """UDF (optional), source, map (optional), sink on free loopback ports; sink dials map or source."""

    def __init__(self, bench, tag, *, with_map=True, udf="cat", udf_args=(), source_args=(), map_args=(),
                 sink_args=(), map_jvm=None, jfr=None):
        self.b, self.tag = bench, tag
        self.dir = os.path.join(bench.run_dir, "logs", tag)
        os.makedirs(self.dir, exist_ok=True)
        self.with_map = with_map
        ports = free_ports(6)
        self.udf_port, self.src_http, self.src_edge, self.map_http, self.map_edge, self.sink_http = ports
        self.procs = {}
        self.ready_wall = {}  # name -> time.time() when /readyz first answered 200 (UDF: when it listened)
        self.udf, self.udf_args = udf, list(udf_args)
        self.source_args, self.map_args, self.sink_args = list(source_args), list(map_args), list(sink_args)
        self.map_jvm = map_jvm
        self.jfr = jfr
        self.urls = {"source": f"http://127.0.0.1:{self.src_http}", "map": f"http://127.0.0.1:{self.map_http}",
                     "sink": f"http://127.0.0.1:{self.sink_http}"}

    def gc_log(self, name):
        return os.path.join(self.dir, name + "-gc.log")

    def _java(self, name, extra_jvm=None, kind=None):
        # map-service runs with its own options only (the documented defaults of a map vertex),
        # the others with --jvm-opts; every JVM logs its collections (wall-clock time, for windows).
        # `kind` (source, map, sink, udf) when the process's name is another, e.g. map2 of a chain
        kind = kind or name
        if kind == "map":
            opts = list(self.map_jvm if self.map_jvm is not None else self.b.map_jvm_opts)
        else:
            opts = list(self.b.jvm_opts)
        opts.append(f"-Xlog:gc:file={self.gc_log(name)}:time,uptime,level,tags")
        if extra_jvm:
            opts += extra_jvm
        if self.jfr and name in self.jfr:
            opts.append(f"-XX:StartFlightRecording=settings={self.b.jfc()},filename={os.path.join(self.dir, name + '.jfr')},"
                        f"delay={int(self.b.args.warmup)}s,duration={int(self.b.args.seconds * self.b.args.reps)}s")
        if kind == "map" and self.b.args.map_jar:
            jar = self.b.args.map_jar
        elif kind == "udf" and self.b.args.udf_jar:
            jar = self.b.args.udf_jar
        else:
            jar = os.path.join(ROOT, JARS[kind])
        return [self.b.java] + opts + ["-jar", jar]

    def udf_address(self):
        # --udf-unix: a Unix socket (as Numaflow's sidecars are reached; in the temp folder, as a
        # socket's path is limited to 107 bytes; the UDF server removes it when it stops), else loopback TCP
        if self.b.args.udf_unix:
            return "unix://" + os.path.join(tempfile.gettempdir(), f"flowbench-{os.getpid()}-{self.udf_port}.sock")
        return f"tcp://127.0.0.1:{self.udf_port}"

    def start(self):
        common = ["--bind.host=127.0.0.1", "--shutdown.timeout=5s", "--edge.reconnect-max=500ms"] + self.b.args.service_arg
        if self.with_map:
            ua = [self.udf, "--address", self.udf_address()] + self.udf_args
            self.procs["udf"] = self.b.reg.start("udf", self._java("udf") + ua, os.path.join(self.dir, "udf.log"))
            self._await_log("udf", " listening on ", 60)
            self.ready_wall["udf"] = time.time()
        src = ["--source.http.port=%d" % self.src_http, "--source.edge.port=%d" % self.src_edge,
               "--source.id-prefix=bench"] + common + self.source_args
        if not self.with_map:
            src.append("--source.edge.allowed-subscribers=sink")  # the sink reads the source directly
        # edge authentication on, as run-local.sh runs it: a fresh token per pipeline, in the environment
        env = {"FLOWMESH_EDGE_TOKEN": secrets.token_hex(24)}
        self.procs["source"] = self.b.reg.start("source", self._java("source") + src, os.path.join(self.dir, "source.log"), env)
        upstream_of_sink = self.src_edge
        if self.with_map:
            mp = ["--map.http.port=%d" % self.map_http, "--map.edge.port=%d" % self.map_edge,
                  "--map.upstream=127.0.0.1:%d" % self.src_edge, "--udf.address=" + self.udf_address(),
                  "--udf.reconnect.max-backoff=500ms"] + common + self.map_args
            self.procs["map"] = self.b.reg.start("map", self._java("map") + mp, os.path.join(self.dir, "map.log"),
                                                 {**env, **self.b.map_env})
            upstream_of_sink = self.map_edge
        sk = ["--sink.http.port=%d" % self.sink_http, "--sink.upstream=127.0.0.1:%d" % upstream_of_sink] + common + self.sink_args
        self.procs["sink"] = self.b.reg.start("sink", self._java("sink") + sk, os.path.join(self.dir, "sink.log"), env)
        for name in ("source", "map", "sink"):
            if name in self.procs:
                self._await_ready(name, 90)
        return self

    def _await_log(self, name, text, timeout):
        p = self.procs[name]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not p.alive():
                raise BenchError(f"{self.tag}: {name} exited while starting:\n{p.tail()}")
            try:
                with open(p.log, errors="replace") as f:
                    if text in f.read():
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise BenchError(f"{self.tag}: {name} did not log '{text}' within {timeout} s:\n{p.tail()}")

    def _await_ready(self, name, timeout):
        p = self.procs[name]
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            if not p.alive():
                raise BenchError(f"{self.tag}: {name} exited while starting:\n{p.tail()}")
            try:
                st, body = http_get(self.urls[name] + "/readyz", 2)
                if st == 200:
                    self.ready_wall[name] = time.time()
                    return
                last = body
            except Exception as e:  # noqa: BLE001 - not up yet
                last = str(e)
            time.sleep(0.2)
        raise BenchError(f"{self.tag}: {name} not ready after {timeout} s ({last}):\n{p.tail()}")

    def mark_logs(self, start=False):
        """Remembers how far each log goes, so that problems are counted between the measured start
        (every service ready and connected) and the stop only."""
        marks = {n: os.path.getsize(p.log) if os.path.exists(p.log) else 0 for n, p in self.procs.items()}
        if start:
            self.log_start = marks
        else:
            self.log_marks = marks

    def log_problems(self):
        marks, starts = getattr(self, "log_marks", {}), getattr(self, "log_start", {})
        return {n: log_problems(p.log, marks.get(n), starts.get(n, 0)) for n, p in self.procs.items()}

    def check_alive(self):
        for name, p in self.procs.items():
            if not p.alive():
                raise BenchError(f"{self.tag}: {name} exited (status {p.popen.returncode}):\n{p.tail()}")

    def metrics(self, name):
        try:
            return parse_prometheus(http_get(self.urls[name] + "/metrics", 10)[1])
        except Exception:  # noqa: BLE001 - a scrape may fail while stopping
            return {}, {}

    def status(self, name):
        return json.loads(http_get(self.urls[name] + "/status", 10)[1])

    def snapshot(self):
        """Counters, CPU ticks, RSS and the latency histogram at one instant."""
        t = time.monotonic()
        busy = cpu_busy_ticks()
        cpu = {n: proc_ticks(p.pid) for n, p in self.procs.items()}
        sys_ = {n: proc_sys_ticks(p.pid) for n, p in self.procs.items()}
        rss = {n: proc_rss_mb(p.pid) for n, p in self.procs.items()}
        sched = {n: thread_sched(p.pid) for n, p in self.procs.items()}
        src, _ = self.metrics("source")
        snk, sb = self.metrics("sink")
        mp, _ = self.metrics("map") if self.with_map else ({}, {})
        la = loadavg()
        return {"t": t, "wall": time.time(), "busy": busy, "cpu": cpu, "sys": sys_, "rss": rss, "sched": sched, "load": la[0], "loadavg": la,
                "produced": src.get("flowmesh_source_messages_total"), "acked": src.get("flowmesh_source_acked_total"),
                "written": snk.get("flowmesh_sink_messages_total"),
                "hist": sb.get("flowmesh_sink_e2e_latency_seconds_bucket", {}),
                "alloc": {n: m.get("jvm_gc_memory_allocated_bytes_total") for n, m in (("source", src), ("map", mp), ("sink", snk))
                          if m.get("jvm_gc_memory_allocated_bytes_total") is not None},
                "errors": error_counts({"source": src, "map": mp, "sink": snk})}

    def stop(self):
        order = [self.procs[n] for n in ("source", "map", "sink", "udf") if n in self.procs]
        self.b.reg.stop(order)


def other_cores(samples):
    """Cores used by processes other than ours between the first and the last sample."""
    if len(samples) < 2:
        return None
    a, b = samples[0], samples[-1]
    dt = b["t"] - a["t"]
    ours = sum(((b["cpu"][n] or 0) - (a["cpu"][n] or 0)) / TCK for n in b["cpu"] if a["cpu"].get(n) is not None)
    return max(0.0, ((b["busy"] - a["busy"]) / TCK - ours) / dt) if dt > 0 else None


def error_delta(first, last):
    """Error counters that grew between two snapshots (start-up redials before `first` excluded)."""
    return {k: v - first["errors"].get(k, 0) for k, v in last["errors"].items() if v - first["errors"].get(k, 0) > 0}


def error_counts(metrics):
    """Everything that counts a failure, redelivery or protocol problem, per service."""
    keys = ("error", "violation", "timeout", "redelivered", "nacked", "failed", "stalls", "late_responses",
            "retries", "duplicates", "rejected", "reconnects")
    out = {}
    for svc, m in metrics.items():
        for k, v in m.items():
            if k.startswith("flowmesh_") and k.endswith("_total") and any(x in k for x in keys) and v:
                out[f"{svc}:{k}"] = v
    return out


def window(a, b, procs_for_cpu=None):
    dt = b["t"] - a["t"]
    written = (b["written"] or 0) - (a["written"] or 0)
    produced = (b["produced"] or 0) - (a["produced"] or 0)
    cpu = {n: ((b["cpu"][n] or 0) - (a["cpu"][n] or 0)) / TCK for n in b["cpu"] if a["cpu"].get(n) is not None}
    ours = sum(cpu.values())
    names = procs_for_cpu or list(cpu)
    cpu_sel = sum(cpu.get(n, 0) for n in names)
    hist = {le: b["hist"].get(le, 0) - a["hist"].get(le, 0) for le in b["hist"]}
    w = {"seconds": dt, "rate": written / dt if dt > 0 else 0, "source_rate": produced / dt if dt > 0 else 0,
         "written": written,
         "cpu_per_million": cpu_sel / (written / 1e6) if written > 0 else None,
         "cores": {n: c / dt for n, c in cpu.items()},
         "kernel_share": {n: ((b["sys"][n] or 0) - (a["sys"][n] or 0)) / TCK / c for n, c in cpu.items()
                          if c > 0 and a["sys"].get(n) is not None},
         "alloc_kb_per_msg": {n: (b["alloc"][n] - a["alloc"][n]) / written / 1024 for n in b["alloc"]
                              if written > 0 and a["alloc"].get(n) is not None},
         "other_cores": max(0.0, ((b["busy"] - a["busy"]) / TCK - ours) / dt) if dt > 0 else None,
         "threads": threads_between(a, b, dt),
         "rss_mb": dict(b["rss"]), "load1": b["load"], "loadavg": b.get("loadavg"),
         "wall0": a["wall"], "wall1": b["wall"]}
    for q, k in ((0.5, "p50_ms"), (0.99, "p99_ms"), (0.999, "p999_ms")):
        v = quantile(hist, q)
        w[k] = v * 1000 if v is not None else None
    return w


GC_PAUSE = re.compile(r"^\[([0-9T:.+\-]+)\].*\[gc\s*\] GC\(\d+\) Pause (\w+).* (\d+(?:\.\d+)?)ms\s*$")


def gc_pauses(path):
    """[(wall epoch s, kind, ms)] of every stop-the-world pause in a JVM's -Xlog:gc file
    (kind: Young, Full, Remark, Cleanup, ...)."""
    out = []
    try:
        with open(path, errors="replace") as f:
            for line in f:
                m = GC_PAUSE.match(line)
                if not m:
                    continue
                try:
                    wall = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
                except ValueError:
                    continue
                out.append((wall, m.group(2), float(m.group(3))))
    except OSError:
        pass
    return out


def gc_summary(pauses, t0=None, t1=None, ready=None):
    """Count, p99, max and total of the pauses between wall times t0 and t1, full collections,
    and full collections after `ready` (when the service first answered /readyz 200)."""
    sel = [(w, k, ms) for w, k, ms in pauses if (t0 is None or w >= t0) and (t1 is None or w <= t1)]
    ms = sorted(x[2] for x in sel)
    p99 = ms[min(len(ms) - 1, math.ceil(0.99 * len(ms)) - 1)] if ms else None
    return {"count": len(ms), "p99_ms": p99, "max_ms": ms[-1] if ms else None, "total_ms": sum(ms),
            "full": sum(1 for x in sel if x[1] == "Full"),
            "full_after_ready": (sum(1 for x in sel if x[1] == "Full" and x[0] >= ready) if ready is not None else None)}


def gc_text(g):
    if not g["count"]:
        return "0 pauses"
    return (f"{g['count']} pauses, p99 {g['p99_ms']:.1f} ms, max {g['max_ms']:.1f} ms, "
            f"{g['full']} full" + (f" ({g['full_after_ready']} after ready)" if g.get("full_after_ready") is not None else ""))


class IdCounter(threading.Thread):
    """Reads the file sink's NDJSON while it grows and counts distinct ids bench-<n> (bitmap over
    0..expected-1). With `punch`, the bytes already read are freed (fallocate PUNCH_HOLE, the file
    keeps its size): a 2-hour soak at 20,000 msg/s writes ~100 GB, more than the disk holds."""

    FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE = 0x01, 0x02
    PAT = re.compile(rb'^\{"id":"bench-(\d+)(?:/0)?"', re.M)  # map's output id of input <in> is <in>/0 with cat

    def __init__(self, path, expected, punch, interval=2.0):
        super().__init__(daemon=True)
        self.path, self.expected, self.punch, self.interval = path, expected, punch, interval
        self.seen = bytearray((expected + 8) // 8)
        self.lines = self.distinct = self.duplicates = self.offset = self.punched = 0
        self.other = set()
        self.halt = threading.Event()
        self.error = None
        self._fallocate = None
        if punch:
            import ctypes
            import ctypes.util
            libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
            self._fallocate = libc.fallocate
            self._fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_long, ctypes.c_long]

    def run(self):
        try:
            while not self.halt.wait(self.interval):
                self.read()
            self.read()
        except Exception as e:  # noqa: BLE001 - reported with the results
            self.error = f"{type(e).__name__}: {e}"

    def read(self):
        if not os.path.exists(self.path):
            return
        with open(self.path, "r+b" if self._fallocate else "rb") as f:
            while True:
                f.seek(self.offset)
                chunk = f.read(1 << 24)
                cut = chunk.rfind(b"\n") + 1
                if cut <= 0:
                    break
                buf = chunk[:cut]
                self.lines += buf.count(b"\n")
                seen, exp = self.seen, self.expected
                for m in self.PAT.finditer(buf):
                    n = int(m.group(1))
                    if n < exp:
                        byte, bit = n >> 3, 1 << (n & 7)
                        if seen[byte] & bit:
                            self.duplicates += 1
                        else:
                            seen[byte] |= bit
                            self.distinct += 1
                    else:
                        self.other.add(n)
                self.offset += cut
                if len(chunk) < (1 << 24):
                    break
            if self._fallocate and self.offset - self.punched >= (64 << 20):
                end = self.offset & ~0xFFFFF  # whole MiB blocks already read
                if end > self.punched and self._fallocate(f.fileno(), self.FALLOC_FL_PUNCH_HOLE | self.FALLOC_FL_KEEP_SIZE,
                                                          self.punched, end - self.punched) == 0:
                    self.punched = end

    def finish(self, produced=None):
        """Stops reading (after a last read); lines, distinct ids and up to ten ids missing below
        `produced` (default: the expected count)."""
        self.halt.set()
        self.join()
        missing = []
        upto = min(self.expected, int(produced)) if produced is not None else self.expected
        if self.distinct < upto:
            for n in range(upto):
                if not self.seen[n >> 3] & (1 << (n & 7)):
                    missing.append(n)
                    if len(missing) >= 10:
                        break
        return self.lines, self.distinct + len(self.other), missing


class Sampler(threading.Thread):
    """Samples a pipeline every `interval` seconds into a list (for time series and RSS slopes)."""

    def __init__(self, pipe, interval):
        super().__init__(daemon=True)
        self.pipe, self.interval = pipe, interval
        self.samples = []
        self.halt = threading.Event()

    def run(self):
        while not self.halt.is_set():
            try:
                self.samples.append(self.pipe.snapshot())
            except Exception:  # noqa: BLE001 - keep sampling
                pass
            self.halt.wait(self.interval)

    def stop(self):
        self.halt.set()
        self.join(30)


# ------------------------------------------------------------------------------------------------
class Bench:
    def __init__(self, args):
        self.args = args
        self.java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java"
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        self.run_dir = os.path.abspath(os.path.join(args.results, stamp))
        os.makedirs(os.path.join(self.run_dir, "logs"), exist_ok=True)
        self.reg = Registry(self.run_dir)
        self.jvm_opts = args.jvm_opts.split()
        self.map_jvm_opts = args.map_jvm_opts.split()
        self.map_env = dict(x.split("=", 1) for x in args.map_env)
        self.rows = []        # CSV rows: one per measured window
        self.summary = []     # table rows: scenario, config, figure, median, reps, target, ok
        self.scen = {}        # per-scenario details for the JSON
        self.state = {}

    # --- helpers -------------------------------------------------------------------------------
    def jfc(self):
        """The JDK's 'profile' settings with Java sampled every 2 ms instead of 10 ms (more samples
        from a short window); falls back to 'profile' when the JDK's file is not found."""
        path = os.path.join(self.run_dir, "profile-2ms.jfc")
        if not os.path.exists(path):
            java = os.path.realpath(shutil.which(self.java) or self.java)
            src = os.path.join(os.path.dirname(os.path.dirname(java)), "lib", "jfr", "profile.jfc")
            if not os.path.exists(src):
                return "profile"
            with open(src) as f:
                text = f.read()
            text = text.replace('<setting name="period" control="method-sampling-java-interval">10 ms</setting>',
                                '<setting name="period" control="method-sampling-java-interval">2 ms</setting>')
            with open(path, "w") as f:
                f.write(text)
        return path

    def pipeline(self, tag, **kw):
        log(f"{tag}: starting processes")
        return Pipeline(self, tag, **kw).start()

    def measure(self, pipe, scenario, config, cpu_of=None, reps=None, seconds=None, warmup=None):
        """Warm-up, then `reps` back-to-back windows; one CSV row per window."""
        reps = reps or self.args.reps
        seconds = seconds or self.args.seconds
        warmup = self.args.warmup if warmup is None else warmup
        self.sleep(pipe, warmup)
        a = pipe.snapshot()
        if not (a["written"] or 0) > 0 and scenario not in (7, 3):
            raise BenchError(f"{pipe.tag}: nothing reached the sink after the {warmup} s warm-up")
        out = []
        for r in range(reps):
            self.sleep(pipe, seconds)
            b = pipe.snapshot()
            w = window(a, b, cpu_of)
            w.update(scenario=scenario, config=config, rep=r + 1)
            out.append(w)
            self.rows.append(w)
            log(f"  {config} rep {r + 1}: {w['rate']:,.0f} msg/s, CPU {fmt(w['cpu_per_million'], 2)} s/M, "
                f"other load {fmt(w['other_cores'], 2)} cores, load1 {w['load1']:.2f}"
                + (f", p99 {fmt(w['p99_ms'], 2)} ms" if w.get("p99_ms") is not None and scenario == 5 else ""))
            a = b
        return out

    def sleep(self, pipe, seconds):
        end = time.monotonic() + seconds
        while True:
            pipe.check_alive()
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(1.0, left))

    def add(self, scenario, config, figure, values, unit, target=None, ok=None, load=None, note="", other=None):
        m = med(values) if isinstance(values, list) else values
        if other is None and scenario in (4, 6):
            other = self.state.get("other")
        elif other is None and self.rows and self.rows[-1]["scenario"] == scenario:
            other = med([w["other_cores"] for w in self.rows if w["scenario"] == scenario and w["config"] == self.rows[-1]["config"]])
        self.summary.append({"scenario": scenario, "config": config, "figure": figure, "median": m, "unit": unit,
                             "reps": values if isinstance(values, list) else [values], "target": target, "ok": ok,
                             "load1": load, "other_cores": other, "note": note})

    def chart(self, name):
        d = os.path.join(self.run_dir, "charts")
        os.makedirs(d, exist_ok=True)
        return os.path.join(d, name)

    # --- scenarios -----------------------------------------------------------------------------
    def s1(self):
        p = self.pipeline("s1", with_map=False, sink_args=["--sink.type=blackhole"])
        try:
            ws = self.measure(p, 1, "source->sink")
        finally:
            p.stop()
        rates = [w["rate"] for w in ws]
        self.state["s1"] = med(rates)
        load = med([w["load1"] for w in ws])
        self.add(1, "source->sink blackhole", "throughput", rates, "msg/s", load=load)
        self.add(1, "source->sink blackhole", "CPU per million (source+sink)", [w["cpu_per_million"] for w in ws], "CPU-s/M", load=load)
        self.scen[1] = {"windows": ws}
        return ws

    def s2(self):
        jfr = ("source", "map", "sink", "udf") if self.args.jfr else None
        p = self.pipeline("s2", udf="cat", sink_args=["--sink.type=blackhole"], map_args=self.args.map_arg, jfr=jfr)
        try:
            ws = self.measure(p, 2, "source->map(cat)->sink")
        finally:
            p.stop()
        rates = [w["rate"] for w in ws]
        self.state["s2"] = med(rates)
        load = med([w["load1"] for w in ws])
        self.add(2, "source->map(cat)->sink", "throughput", rates, "msg/s", ">= 150,000", med(rates) >= 150000, load)
        self.add(2, "source->map(cat)->sink", "CPU per million (4 processes)", [w["cpu_per_million"] for w in ws], "CPU-s/M", load=load)
        per = {n: med([w["cores"][n] for w in ws]) for n in ws[0]["cores"]}
        ker = {n: med([w["kernel_share"].get(n) for w in ws]) for n in ws[0]["cores"]}
        for n in ws[0]["cores"]:
            self.add(2, "source->map(cat)->sink", f"CPU per million, {n}",
                     [w["cores"][n] * w["seconds"] / (w["written"] / 1e6) if w["written"] else None for w in ws],
                     "CPU-s/M", load=load)
        for n in ws[0]["alloc_kb_per_msg"]:
            self.add(2, "source->map(cat)->sink", f"allocated per message, {n} (JVM GC metrics)",
                     [w["alloc_kb_per_msg"].get(n) for w in ws], "KB", load=load)
        self.add(2, "source->map(cat)->sink", "cores used (kernel share): " +
                 ", ".join(f"{n} {v:.2f} ({fmt(ker[n], 2)})" for n, v in per.items()), None, "", load=load)
        thr = {n: {k: med([w["threads"][n][k] for w in ws if n in w.get("threads", {})]) for k in ("loop_cpu", "loop_wait", "gc_cpu", "loop2_cpu", "loop2_wait")}
               for n in ws[0].get("threads", {})}
        if thr:
            # Which thread is the bottleneck: a loop that runs, waits for a core or is stopped by its
            # collector nearly all the time limits the pipeline; the others have slack.
            self.add(2, "source->map(cat)->sink", "event loop on a CPU / waiting for one, collector threads on a CPU "
                     "(s per s, busiest loop thread of each process, and the next one when it ran 0.05 or more): " +
                     ", ".join(f"{n} {v['loop_cpu']:.2f} / {v['loop_wait']:.2f}"
                               + (f" (next loop {v['loop2_cpu']:.2f} / {v['loop2_wait']:.2f})"
                                  if (v.get('loop2_cpu') or 0) >= 0.05 else "")
                               + f", gc {v['gc_cpu']:.2f}" for n, v in thr.items()),
                     None, "", load=load)
        if self.state.get("s1"):
            self.add(2, "ratio to scenario 1", "pipeline / transport", med(rates) / self.state["s1"], "", load=load)
        self.scen[2] = {"windows": ws, "cores": per, "kernel_share": ker, "threads": thr, "jfr_dir": p.dir if jfr else None}
        if jfr:
            self.jfr_report(p.dir)
        if 1 in self.scen:
            s1r = [w["rate"] for w in self.scen[1]["windows"]]
            svgchart.bar_chart(self.chart("s1-s2-throughput.svg"), "Max throughput, 500-byte messages",
                               [("source -> sink", [med(s1r)]), ("source -> map(cat) -> sink", [med(rates)])],
                               ["median msg/s"], "messages / s", subtitle=self.subtitle(ws),
                               reps=[("", [s1r]), ("", [rates])])
        else:
            svgchart.bar_chart(self.chart("s2-throughput.svg"), "Pipeline max throughput, 500-byte messages",
                               [("source -> map(cat) -> sink", [med(rates)])], ["median msg/s"], "messages / s",
                               subtitle=self.subtitle(ws), reps=[("", [rates])])
        return ws

    def jfr_report(self, d):
        for name in ("map", "source", "sink", "udf"):
            f = os.path.join(d, name + ".jfr")
            if os.path.exists(f):
                out = os.path.join(self.run_dir, f"jfr-{name}.txt")
                subprocess.run([sys.executable, os.path.join(HERE, "jfr_top.py"), f], stdout=open(out, "w"),
                               stderr=subprocess.STDOUT, timeout=600)
                log(f"JFR summary of {name}: {out}")

    def s3(self):
        ideal = lambda c: c / (SKEW_MEAN_MS / 1000)
        res = {}
        for mode, size in (("map", 64), ("map", 512), ("batch-map", 64), ("batch-map", 512)):
            cfg = f"{mode} {'concurrency' if mode == 'map' else 'batch'} {size}"
            map_args = [f"--map.mode={mode}", f"--map.concurrency={size}", "--map.instances=1"]
            udf_args = ["--latency", SKEW, "--seed", "1"]
            if mode == "batch-map":
                map_args.append(f"--map.batch-size={size}")
                udf_args += ["--mode", "batch-map"]
            p = self.pipeline(f"s3-{mode}-{size}", udf="latency", udf_args=udf_args, map_args=map_args,
                              sink_args=["--sink.type=blackhole"])
            try:
                ws = self.measure(p, 3, cfg)
            finally:
                p.stop()
            rates = [w["rate"] for w in ws]
            res[(mode, size)] = rates
            load = med([w["load1"] for w in ws])
            r = [x / ideal(size) for x in rates]
            self.add(3, cfg, "throughput", rates, "msg/s", load=load)
            self.add(3, cfg, f"ratio to ideal {size}/3.45 ms = {ideal(size):,.0f}", r, "",
                     ">= 0.9" if mode == "map" else None, (med(r) >= 0.9) if mode == "map" else None, load)
        for size in (64, 512):
            a, b = med(res[("map", size)]), med(res[("batch-map", size)])
            self.add(3, f"size {size}", "async / batch throughput", a / b if b else None, "")
        svgchart.bar_chart(self.chart("s3-skewed-latency.svg"), "Skewed latency UDF (95% 1 ms, 5% 50 ms)",
                           [("64", [med(res[("map", 64)]), med(res[("batch-map", 64)])]),
                            ("512", [med(res[("map", 512)]), med(res[("batch-map", 512)])])],
                           ["map (async), concurrency N", "batch-map, batch N"], "messages / s",
                           subtitle="dashed: ideal N / 3.45 ms; dots: repetitions",
                           reps=[("", [res[("map", 64)], res[("batch-map", 64)]]),
                                 ("", [res[("map", 512)], res[("batch-map", 512)]])],
                           refs=[("", [ideal(64), ideal(64)]), ("", [ideal(512), ideal(512)])])
        self.scen[3] = {k[0] + "-" + str(k[1]): v for k, v in res.items()}

    def s4(self):
        top = self.state.get("s2") or self.args.max_rate
        throttle = round(top * 0.10)
        secs = self.args.backpressure_seconds
        log(f"s4: sink throttled to {throttle:,} msg/s (10% of {top:,.0f}) for {secs} s; map JVM {' '.join(self.b_map_jvm())}")
        p = self.pipeline("s4", udf="cat", map_args=self.args.map_arg, source_args=[f"--source.duration={secs}s"],
                          sink_args=["--sink.type=blackhole", f"--sink.throttle={throttle}"])
        p.mark_logs(start=True)
        sampler = Sampler(p, 1.0)
        sampler.start()
        try:
            self.sleep(p, secs)
            done = self.await_complete(p, 120 + secs // 2)
            final = p.snapshot()
            st = p.status("source")
            p.mark_logs()
        finally:
            sampler.stop()
            p.stop()
        s = sampler.samples
        t0 = s[0]["t"]
        series = self.timeseries("s4", s)
        steady = [x for x in series if x["t"] >= secs * 0.2 and x["t"] <= secs - 2]
        src_rate = med([x["source_rate"] for x in steady])
        sink_rate = med([x["sink_rate"] for x in steady])
        maxrss = {n: max(x["rss"][n] for x in s if x["rss"].get(n) is not None) for n in p.procs}
        half = [x for x in s if x["t"] - t0 >= secs / 2 and x["t"] - t0 <= secs]
        slopes = {n: slope_per_minute([(x["t"] - t0, x["rss"][n]) for x in half]) for n in p.procs}
        produced, written = final["produced"] or 0, final["written"] or 0
        lost = produced - min(written, produced)
        load = med([x["load"] for x in s])
        self.state["other"] = other_cores(s)
        self.add(4, f"throttle {throttle:,}/s, {secs} s", "source rate (steady, median of 1 s samples)", src_rate, "msg/s",
                 f"~ {throttle:,}", abs(src_rate - throttle) <= 0.1 * throttle, load)
        self.add(4, f"throttle {throttle:,}/s, {secs} s", "sink rate", sink_rate, "msg/s", load=load)
        for n in p.procs:
            tgt = "<= 256" if n == "map" else None
            self.add(4, f"throttle {throttle:,}/s, {secs} s", f"max RSS {n} (slope 2nd half {fmt(slopes[n], 2)} MB/min)",
                     maxrss[n], "MB", tgt, (maxrss[n] <= 256) if n == "map" else None, load)
        self.add(4, f"throttle {throttle:,}/s, {secs} s",
                 f"produced {produced:,.0f}, written {written:,.0f}, all acked: {done}", lost, "lost", "0",
                 lost == 0 and done, load, note=json.dumps(final["errors"]))
        warn = p.log_problems()
        errs = error_delta(s[0], final)
        self.add(4, f"throttle {throttle:,}/s, {secs} s", "error counters + WARN/ERROR log lines",
                 sum(errs.values()) + sum(warn.values()), "", "0", not errs and not any(warn.values()),
                 load, note=json.dumps({"counters": errs, "log_lines": warn}))
        svgchart.line_chart(self.chart("s4-backpressure-rate.svg"), f"Backpressure: sink throttled to {throttle:,} msg/s",
                            [("source rate", [(x["t"], x["source_rate"]) for x in series]),
                             ("sink rate", [(x["t"], x["sink_rate"]) for x in series])],
                            "seconds", "messages / s", subtitle=self.subtitle_s(s))
        svgchart.line_chart(self.chart("s4-backpressure-rss.svg"), "Backpressure: RSS per process",
                            [(n, [(x["t"], x["rss"].get(n)) for x in series]) for n in p.procs],
                            "seconds", "RSS (MB)", subtitle=f"map JVM: {' '.join(self.b_map_jvm())}", ymin=0)
        self.scen[4] = {"throttle": throttle, "source_status": st, "max_rss_mb": maxrss, "rss_slope_mb_per_min": slopes,
                        "produced": produced, "written": written, "complete": done, "errors": errs, "log_problems": warn}

    def b_map_jvm(self):
        return self.map_jvm_opts

    def await_complete(self, p, timeout):
        """A bounded source's every message acked (its /status says complete)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            p.check_alive()
            try:
                st = p.status("source")
                if st.get("complete") or any(i.get("complete") for i in st.get("instances", []) if isinstance(i, dict)):
                    return True
            except Exception:  # noqa: BLE001
                pass
            time.sleep(0.5)
        return False

    def timeseries(self, name, samples):
        t0 = samples[0]["t"]
        out = []
        prev = None
        for x in samples:
            row = {"t": round(x["t"] - t0, 2), "rss": x["rss"], "load1": x["load"], "produced": x["produced"],
                   "written": x["written"]}
            if prev:
                dt = x["t"] - prev["t"]
                row["source_rate"] = ((x["produced"] or 0) - (prev["produced"] or 0)) / dt
                row["sink_rate"] = ((x["written"] or 0) - (prev["written"] or 0)) / dt
                row["cores"] = {n: ((x["cpu"][n] or 0) - (prev["cpu"][n] or 0)) / TCK / dt for n in x["cpu"]
                                if prev["cpu"].get(n) is not None and x["cpu"][n] is not None}
                out.append(row)
            prev = x
        names = sorted(samples[0]["rss"])
        with open(os.path.join(self.run_dir, f"{name}-timeseries.csv"), "w") as f:
            f.write("t_s,source_rate,sink_rate,load1," + ",".join(f"rss_mb_{n}" for n in names) + ","
                    + ",".join(f"cores_{n}" for n in names) + "\n")
            for r in out:
                f.write(f"{r['t']},{r['source_rate']:.0f},{r['sink_rate']:.0f},{r['load1']}," +
                        ",".join(fmt(r["rss"].get(n), 1) for n in names) + "," +
                        ",".join(fmt(r["cores"].get(n), 3) for n in names) + "\n")
        return out

    def s5(self):
        top = self.state.get("s2") or self.args.max_rate
        rate = round(top * 0.5)
        p = self.pipeline("s5", udf="cat", map_args=self.args.map_arg, source_args=[f"--source.rate={rate}"], sink_args=["--sink.type=blackhole"])
        # beside the latency: kernel threads that took a core (kdamond), and, with --latency-slices,
        # the sink's histogram every 100 ms to tell the tail in their bursts from the rest
        kb = kstalls.KernelBursts()
        kb.start()
        slices = None
        if self.args.latency_slices:
            slices = kstalls.LatencySlices(lambda: p.metrics("sink")[1].get("flowmesh_sink_e2e_latency_seconds_bucket"))
            slices.start()
        try:
            ws = self.measure(p, 5, f"rate {rate:,}/s")
        finally:
            kb.stop()
            if slices:
                slices.stop()
            p.stop()
        load = med([w["load1"] for w in ws])
        cfg = f"50% of {top:,.0f} = {rate:,} msg/s"
        self.add(5, cfg, "achieved rate", [w["rate"] for w in ws], "msg/s", load=load)
        for k, label in (("p50_ms", "p50"), ("p99_ms", "p99"), ("p999_ms", "p99.9")):
            vals = [w[k] for w in ws]
            tgt = "<= 10" if k == "p99_ms" else None
            # p99: every window, the first included (it holds whatever start-up cost is left)
            self.add(5, cfg, f"end-to-end latency {label}" + (" (worst window)" if tgt else ""), vals, "ms", tgt,
                     (all(v is not None and v <= 10 for v in vals)) if tgt else None, load)
        # collections beside the latency: per window, and full ones after /readyz turned 200
        pauses = {n: gc_pauses(p.gc_log(n)) for n in p.procs}
        for i, w in enumerate(ws):
            w["gc"] = {n: gc_summary(pauses[n], w["wall0"], w["wall1"], p.ready_wall.get(n)) for n in p.procs}
            self.add(5, cfg, f"window {i + 1}: p99 {fmt(w['p99_ms'], 2)} ms, load {' '.join(f'{x:.2f}' for x in w.get('loadavg') or [])}; "
                     "GC " + "; ".join(f"{n} {gc_text(g)}" for n, g in w["gc"].items()),
                     w["gc"]["map"]["max_ms"] if "map" in w["gc"] else None, "ms (map's longest pause)", load=w["load1"])
            k = kb.summary(w["wall0"], w["wall1"])
            w["kernel_bursts"] = k
            self.add(5, cfg, f"window {i + 1}: kernel threads: {kstalls.text(k)}", k["longest_ms"],
                     "ms (longest burst of CPU)", load=w["load1"])
            if slices:
                sp = slices.split(kb.bursts, w["wall0"], w["wall1"], quantile)
                w["latency_split"] = sp
                for key, label in (("burst", "100-ms slices with a kernel burst (or its 30 ms after)"), ("other", "the other slices")):
                    g = sp[key]
                    share = 100.0 * g["over10"] / g["messages"] if g["messages"] else None
                    self.add(5, cfg, f"window {i + 1}: p99 in {label}: {g['slices']} slices, {g['messages']:,.0f} messages, "
                             f"{fmt(share, 3)} % over 9.79 ms (the last histogram bucket under 10 ms)", g["p99_ms"], "ms", load=w["load1"])
        after = {n: gc_summary(pauses[n], ready=p.ready_wall.get(n)) for n in p.procs}
        self.add(5, cfg, "full collections after /readyz turned 200: " + ", ".join(f"{n} {g['full_after_ready']}" for n, g in after.items()),
                 sum(g["full_after_ready"] or 0 for g in after.values()), "full GCs", "0",
                 all(not g["full_after_ready"] for g in after.values()), load)
        svgchart.bar_chart(self.chart("s5-latency.svg"), f"End-to-end latency at {rate:,} msg/s (50% of max)",
                           [(lbl, [med([w[k] for w in ws])]) for k, lbl in
                            (("p50_ms", "p50"), ("p99_ms", "p99"), ("p999_ms", "p99.9"))],
                           ["median over repetitions (ms)"], "milliseconds", subtitle=self.subtitle(ws),
                           reps=[("", [[w[k] for w in ws]]) for k in ("p50_ms", "p99_ms", "p999_ms")],
                           refs=[("", [None]), ("", [10.0]), ("", [None])])
        self.scen[5] = {"rate": rate, "windows": ws, "gc_whole_process": after, "map_jvm": self.b_map_jvm(),
                        "kernel_bursts": [b for b in kb.bursts if b[2] >= 1.0],
                        "latency_slices": [x[:4] for x in slices.slices] if slices else None}

    def soak_pipeline_args(self):
        """Scenario 6's map mode: unary (as before) or batch-map with the cat UDF in batch mode and
        --soak-batch-size elements per batch (500: Numaflow's default read batch)."""
        if self.args.soak_mode == "batch-map":
            return (["--map.mode=batch-map", f"--map.batch-size={self.args.soak_batch_size}"],
                    ["--mode", "batch-map"])
        return ["--map.mode=unary-map"], []

    def s6(self):
        rate, minutes, mode = self.args.soak_rate, self.args.soak_minutes, self.args.soak_mode
        secs = int(minutes * 60)
        count = rate * secs
        path = os.path.join(self.run_dir, "soak.ndjson")
        map_mode_args, udf_args = self.soak_pipeline_args()
        p = self.pipeline("s6", udf="cat", udf_args=udf_args, map_args=map_mode_args + self.args.map_arg,
                          # bounded both ways: a machine that cannot hold the rate ends the run on time
                          # with fewer messages (the rate figure says so), and every one is still checked
                          source_args=[f"--source.rate={rate}", f"--source.count={count}", f"--source.duration={secs}s"],
                          sink_args=["--sink.type=file", f"--sink.path={path}"])
        log(f"s6: {mode}, {rate:,} msg/s for {minutes:g} min ({count:,} messages); map JVM {' '.join(self.b_map_jvm())}")
        p.mark_logs(start=True)
        ids = IdCounter(path, count, punch=not self.args.keep_files)
        ids.start()
        sampler = Sampler(p, self.args.soak_interval)
        sampler.start()
        restarts = {n: 0 for n in p.procs}
        pids = {n: pr.pid for n, pr in p.procs.items()}
        try:
            self.sleep(p, secs)
            done = self.await_complete(p, max(180, secs * 0.05))
            final = p.snapshot()
            p.mark_logs()
            # a process that exited would have failed the run (check_alive); the same pid at the end
            restarts = {n: (0 if pr.alive() and pr.pid == pids[n] else 1) for n, pr in p.procs.items()}
        finally:
            sampler.stop()
            p.stop()
        log(f"s6: counting the last ids in {path}")
        lines, distinct, missing = ids.finish(final["produced"])
        if not self.args.keep_files and os.path.exists(path):
            os.remove(path)
        s = sorted(sampler.samples + [final], key=lambda x: x["t"])
        t0 = s[0]["t"]
        elapsed = final["t"] - t0
        series = self.timeseries("s6", s)
        span = min(secs, elapsed)
        tail = [x for x in s if x["t"] - t0 >= span / 3]  # the last two thirds
        slopes = {n: slope_per_minute([(x["t"] - t0, x["rss"][n]) for x in tail]) for n in p.procs}
        maxrss = {n: max(x["rss"][n] for x in s if x["rss"].get(n) is not None) for n in p.procs}
        medrss = {n: med([x["rss"].get(n) for x in tail]) for n in p.procs}
        written = (final["written"] or 0) - (s[0]["written"] or 0)
        produced = final["produced"] or 0
        cpu_s = {n: ((final["cpu"][n] or 0) - (s[0]["cpu"][n] or 0)) / TCK for n in p.procs}
        cores = {n: cpu_s[n] / elapsed for n in p.procs}
        per_k = {n: cpu_s[n] / (written / 1000) if written else None for n in p.procs}
        gc = {n: gc_summary(gc_pauses(p.gc_log(n)), s[0]["wall"], final["wall"], p.ready_wall.get(n)) for n in p.procs}
        gc_all = {n: gc_summary(gc_pauses(p.gc_log(n)), ready=p.ready_wall.get(n)) for n in p.procs}
        errors = error_delta(s[0], final)
        warn = p.log_problems()
        load = med([x["load"] for x in s])
        loads = [x.get("loadavg") for x in s if x.get("loadavg")]
        load_txt = (f"load1 median {load:.2f} (min {min(x[0] for x in loads):.2f}, max {max(x[0] for x in loads):.2f}), "
                    f"load15 at end {loads[-1][2]:.2f}") if loads else ""
        self.state["other"] = other_cores(s)
        # rates while the source produced: up to the first sample with every message produced (written)
        t_prod = next((x["t"] for x in s if (x["produced"] or 0) >= count), final["t"]) - t0
        t_writ = next((x["t"] for x in s if (x["written"] or 0) >= count), final["t"]) - t0
        src_rate = (produced - (s[0]["produced"] or 0)) / t_prod if t_prod > 0 else None
        sink_rate = written / t_writ if t_writ > 0 else None
        cfg = f"{mode}" + (f" batch {self.args.soak_batch_size}" if mode == "batch-map" else "") + f", {rate:,} msg/s, {minutes:g} min"
        held = produced / secs if secs else None
        self.add(6, cfg, f"rate held: produced / {minutes:g} min (sink {fmt(sink_rate, 0)} msg/s over {t_writ / 60:.1f} min; {load_txt})",
                 held, "msg/s", f"~ {rate:,}", held is not None and held >= 0.98 * rate, load)
        for n in p.procs:
            self.add(6, cfg, f"{n}: RSS slope over the last 2/3 (max {maxrss[n]:.0f} MB, median {fmt(medrss[n], 0)} MB)",
                     slopes[n], "MB/min", "~ 0", slopes[n] is not None and abs(slopes[n]) < 0.1, load)
            self.add(6, cfg, f"{n}: CPU {cores[n]:.3f} cores; core-s per 1,000 messages (= cores per 1,000 msg/s)",
                     per_k[n], "core-s", load=load)
            self.add(6, cfg, f"{n}: GC {gc_text(gc[n])}; whole process: {gc_text(gc_all[n])}", gc[n]["full"],
                     "full GCs", "0", gc[n]["full"] == 0, load)
            self.add(6, cfg, f"{n}: restarts", restarts[n], "", "0", restarts[n] == 0, load)
        self.add(6, cfg, f"produced {produced:,.0f} of {count:,}: lines {lines:,}, distinct ids {distinct:,}, "
                 f"repeated {ids.duplicates:,}, all acked: {done}" + (f", counter error: {ids.error}" if ids.error else ""),
                 produced - distinct, "lost", "0", produced == distinct and done and not ids.error, load)
        self.add(6, cfg, "error counters + WARN/ERROR log lines", sum(errors.values()) + sum(warn.values()), "", "0",
                 not errors and not any(warn.values()), load, note=json.dumps({"counters": errors, "log_lines": warn}))
        svgchart.line_chart(self.chart("s6-soak-rss.svg"), f"Soak ({mode}) at {rate:,} msg/s: RSS per process",
                            [(n, [(x["t"] / 60, x["rss"].get(n)) for x in series]) for n in p.procs],
                            "minutes", "RSS (MB)", subtitle=self.subtitle_s(s), ymin=0)
        svgchart.line_chart(self.chart("s6-soak-cpu.svg"), f"Soak ({mode}) at {rate:,} msg/s: CPU per process",
                            [(n, [(x["t"] / 60, x["cores"].get(n)) for x in series]) for n in p.procs],
                            "minutes", "cores (CPU-s per s)", subtitle=self.subtitle_s(s), ymin=0)
        self.scen[6] = {"mode": mode, "batch_size": self.args.soak_batch_size if mode == "batch-map" else None,
                        "rate": rate, "seconds": secs, "elapsed_s": elapsed, "producing_s": t_prod, "writing_s": t_writ, "count": count, "produced": produced,
                        "written": written, "rate_held": held, "source_rate": src_rate, "sink_rate": sink_rate, "lines": lines,
                        "distinct": distinct, "duplicates": ids.duplicates, "missing_examples": missing, "complete": done,
                        "id_counter_error": ids.error, "rss_slope_mb_per_min_last_two_thirds": slopes,
                        "max_rss_mb": maxrss, "median_rss_mb_last_two_thirds": medrss, "cores": cores,
                        "core_s_per_1000_msgs": per_k, "gc": gc, "gc_whole_process": gc_all, "restarts": restarts,
                        "errors": errors, "log_problems": warn, "loadavg_first": loads[0] if loads else None,
                        "loadavg_last": loads[-1] if loads else None, "load1_median": load,
                        "other_cores": self.state["other"], "map_jvm": self.b_map_jvm(), "jvm": self.jvm_opts}

    def s7(self):
        cs = [int(x) for x in self.args.sweep.split(",")]
        pts = []
        for c in cs:
            p = self.pipeline(f"s7-c{c}", udf="latency", udf_args=["--latency", SKEW, "--seed", "1"],
                              map_args=[f"--map.concurrency={c}", "--map.instances=1"],
                              sink_args=["--sink.type=blackhole"])
            try:
                ws = self.measure(p, 7, f"concurrency {c}", reps=self.args.sweep_reps or self.args.reps,
                                  seconds=self.args.sweep_seconds or self.args.seconds)
            finally:
                p.stop()
            rates = [w["rate"] for w in ws]
            ideal = c / (SKEW_MEAN_MS / 1000)
            pts.append((c, med(rates), ideal))
            self.add(7, f"concurrency {c}", f"throughput (ideal {ideal:,.0f})", rates, "msg/s",
                     load=med([w["load1"] for w in ws]), note=f"ratio {med(rates) / ideal:.2f}")
        svgchart.line_chart(self.chart("s7-concurrency-sweep.svg"), "Throughput vs map.concurrency (latency UDF 95% 1 ms / 5% 50 ms)",
                            [("measured (median)", [(c, r) for c, r, _ in pts]),
                             ("ideal concurrency / 3.45 ms", [(c, i) for c, _, i in pts])],
                            "map.concurrency (1 instance)", "messages / s", log2x=True, dashed=("ideal concurrency / 3.45 ms",),
                            subtitle="pipeline source -> map -> sink, all processes on this machine")
        svgchart.line_chart(self.chart("s7-concurrency-ratio.svg"), "Throughput / ideal vs map.concurrency",
                            [("measured / ideal", [(c, r / i) for c, r, i in pts])],
                            "map.concurrency (1 instance)", "ratio", log2x=True, ymin=0)
        self.scen[7] = {"points": pts}

    def s10(self):
        """map.concurrency=auto against a sweep of fixed settings, one after the other in the same run, all
        against the latency UDF serving at most K elements at once (the rest wait in line) with the skewed
        service time. Target: auto >= 0.95 of the best fixed throughput, its p99 <= 1.5x the p99 there."""
        k = self.args.auto_saturate
        configs = ["auto"] + [c.strip() for c in self.args.auto_sweep.split(",") if c.strip()]
        res = {}
        for c in configs:
            p = self.pipeline(f"s10-{c}", udf="latency",
                              udf_args=["--latency", SKEW, "--seed", "1", "--saturate-at", str(k)],
                              map_args=[f"--map.concurrency={c}", "--map.instances=1"], sink_args=["--sink.type=blackhole"])
            try:
                ws = self.measure(p, 10, f"concurrency {c}")
                lim = None
                if c == "auto":
                    lim = p.status("map")["instances"][0].get("limiter")
            finally:
                p.stop()
            res[c] = {"rate": med([w["rate"] for w in ws]), "p99": med([w["p99_ms"] for w in ws]),
                      "p50": med([w["p50_ms"] for w in ws]), "load": med([w["load1"] for w in ws]), "limiter": lim}
            note = f"limiter at the end: {json.dumps(lim)}" if lim else ""
            self.add(10, f"K={k}, concurrency {c}", "throughput", [w["rate"] for w in ws], "msg/s", load=res[c]["load"], note=note)
            self.add(10, f"K={k}, concurrency {c}", "end-to-end p99", [w["p99_ms"] for w in ws], "ms", load=res[c]["load"])
            if lim:
                self.add(10, f"K={k}, concurrency auto", f"limit at the end (minRtt {lim.get('minRttMs', 0):.2f} ms, "
                         f"rtt {lim.get('rttMs', 0):.2f} ms, phase {lim.get('phase')})", lim.get("limit"), "", load=res[c]["load"])
        fixed = {c: r for c, r in res.items() if c != "auto" and r["rate"]}
        if fixed and res["auto"]["rate"]:
            best = max(fixed, key=lambda c: fixed[c]["rate"])
            tr = res["auto"]["rate"] / fixed[best]["rate"]
            pr = res["auto"]["p99"] / fixed[best]["p99"] if res["auto"]["p99"] and fixed[best]["p99"] else None
            load = med([r["load"] for r in res.values()])
            self.add(10, f"auto vs best fixed ({best})", "throughput ratio", tr, "", ">= 0.95", tr >= 0.95, load)
            self.add(10, f"auto vs best fixed ({best})", "p99 ratio", pr, "", "<= 1.5", pr is not None and pr <= 1.5, load)
        svgchart.bar_chart(self.chart("s10-auto-concurrency.svg"), f"map.concurrency=auto vs fixed, UDF saturating at K={k}",
                           [(c, [res[c]["rate"]]) for c in configs], ["median msg/s"], "messages / s",
                           subtitle=f"ideal K / 3.45 ms = {k / (SKEW_MEAN_MS / 1000):,.0f} msg/s",
                           reps=[("", [[res[c]["rate"]]]) for c in configs])
        self.scen[10] = res

    def s8(self):
        import kafkabench  # noqa: E402 - after this module is complete (it subclasses Pipeline)
        kafkabench.run(self)

    def s9(self):
        import graphbench  # noqa: E402 - after this module is complete (it subclasses Pipeline)
        graphbench.run(self)

    def s11(self):
        import servingbench  # noqa: E402 - after this module is complete
        servingbench.run(self)

    # --- output ----------------------------------------------------------------------------------
    def subtitle(self, ws):
        return (f"median of {len(ws)} x {ws[0]['seconds']:.0f} s windows after a {self.args.warmup} s warm-up; "
                f"load1 {med([w['load1'] for w in ws]):.2f} on {os.cpu_count()} cores")

    def subtitle_s(self, s):
        return f"sampled every {s[1]['t'] - s[0]['t']:.0f} s; load1 median {med([x['load'] for x in s]):.2f} on {os.cpu_count()} cores"

    def write(self, machine, started, scen_loads):
        with open(os.path.join(self.run_dir, "windows.csv"), "w") as f:
            names = ["source", "map", "sink", "udf", "loop", "broker"]
            f.write("scenario,config,rep,seconds,rate_msg_s,source_rate_msg_s,cpu_s_per_million,p50_ms,p99_ms,p999_ms,"
                    "load1,other_cores," + ",".join(f"cores_{n}" for n in names) + "," +
                    ",".join(f"rss_mb_{n}" for n in names) + "\n")
            for w in self.rows:
                f.write(",".join([str(w["scenario"]), csvq(w["config"]), str(w["rep"]), f"{w['seconds']:.2f}",
                                  f"{w['rate']:.0f}", f"{w['source_rate']:.0f}", fmt(w["cpu_per_million"], 3),
                                  fmt(w["p50_ms"], 3), fmt(w["p99_ms"], 3), fmt(w["p999_ms"], 3), f"{w['load1']:.2f}",
                                  fmt(w["other_cores"], 2)] +
                                 [fmt(w["cores"].get(n), 3) for n in names] + [fmt(w["rss_mb"].get(n), 1) for n in names]) + "\n")
        with open(os.path.join(self.run_dir, "summary.csv"), "w") as f:
            f.write("scenario,config,figure,median,unit,repetitions,target,ok,load1\n")
            for r in self.summary:
                f.write(",".join([str(r["scenario"]), csvq(r["config"]), csvq(r["figure"]), fmt(r["median"], 4),
                                  r["unit"] or "", csvq(" ".join(fmt(x, 4) for x in r["reps"])), csvq(r["target"] or ""),
                                  "" if r["ok"] is None else ("yes" if r["ok"] else "NO"), fmt(r["load1"], 2)]) + "\n")
        doc = {"started": started, "finished": datetime.datetime.now().isoformat(timespec="seconds"),
               "command": " ".join(["scripts/bench.sh"] + sys.argv[1:]), "machine": machine,
               "settings": vars(self.args), "jvm_opts": self.jvm_opts, "map_jvm_opts": self.map_jvm_opts, "map_env": self.map_env,
               "scenario_load": scen_loads, "summary": self.summary, "windows": self.rows,
               "scenarios": {str(k): v for k, v in self.scen.items()}}
        with open(os.path.join(self.run_dir, "results.json"), "w") as f:
            json.dump(doc, f, indent=1, default=str)
        md = table_md(self.summary)
        with open(os.path.join(self.run_dir, "summary.md"), "w") as f:
            f.write(f"Command: `{doc['command']}`\n\n{machine_md(machine)}\n\n{md}\n")
        return md


def csvq(s):
    s = str(s)
    return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\n') else s


def fmt(v, nd=2):
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, float)) and abs(v) >= 1000:
        return f"{v:,.0f}" if nd <= 2 else f"{v:.0f}"
    return f"{v:.{nd}f}" if isinstance(v, float) else str(v)


def table_md(summary):
    out = ["| # | configuration | figure | median | repetitions | target | met | load1 | other procs (cores) |",
           "|---|---|---|---|---|---|---|---|---|"]
    for r in summary:
        reps = " / ".join(human(x) for x in r["reps"]) if len(r["reps"]) > 1 else ""
        ok = "" if r["ok"] is None else ("yes" if r["ok"] else "**no**")
        out.append(f"| {r['scenario']} | {r['config']} | {r['figure']} | {human(r['median'])} {r['unit'] or ''} | "
                   f"{reps} | {r['target'] or ''} | {ok} | {fmt(r['load1'], 2)} | {fmt(r.get('other_cores'), 2)} |")
    return "\n".join(out)


def human(v):
    if v is None:
        return "–"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int) or (isinstance(v, float) and abs(v) >= 100):
        return f"{v:,.0f}"
    return f"{v:.3g}" if isinstance(v, float) else str(v)


def count_ids(path, expected):
    """Lines and distinct ids (bench-<n>) in an NDJSON file, with a bitmap over 0..expected-1."""
    seen = bytearray((expected + 8) // 8)
    lines = distinct = 0
    other = set()
    pat = re.compile(rb'^\{"id":"bench-(\d+)(?:/0)?"', re.M)  # map's output id of input <in> is <in>/0 with cat
    carry = b""
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 24)
            if not chunk:
                break
            buf = carry + chunk
            cut = buf.rfind(b"\n") + 1
            carry, buf = buf[cut:], buf[:cut]
            lines += buf.count(b"\n")
            for m in pat.finditer(buf):
                n = int(m.group(1))
                if n < expected:
                    byte, bit = n >> 3, 1 << (n & 7)
                    if not seen[byte] & bit:
                        seen[byte] |= bit
                        distinct += 1
                else:
                    other.add(n)
    missing = []
    if distinct < expected:
        for n in range(expected):
            if not seen[n >> 3] & (1 << (n & 7)):
                missing.append(n)
                if len(missing) >= 10:
                    break
    return lines, distinct + len(other), missing


def log_problems(path, limit=None, start=0):
    """WARN/ERROR lines and exceptions between byte offsets `start` and `limit` of a log."""
    n = 0
    try:
        with open(path, "rb") as f:
            f.seek(start)
            data = f.read(limit - start) if limit is not None else f.read()
            for line in data.decode("utf-8", "replace").splitlines():
                if " WARN " in line or " ERROR " in line or "Exception" in line:
                    n += 1
    except OSError:
        pass
    return n


def machine_info(java):
    mem = ""
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / (1 << 20):.1f} GiB"
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    jv = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.strip().splitlines()
    rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                           text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "cpu": model, "memory": mem, "java": jv, "kernel": os.uname().release,
            "load_at_start": loadavg(), "commit": rev + ("-dirty" if dirty else "")}


def machine_md(m):
    return (f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory']} RAM, Linux {m['kernel']}; "
            f"`{m['java'][0] if m['java'] else '?'}` ({m['java'][2] if len(m['java']) > 2 else ''}); "
            f"commit {m['commit']}; load average at start {' '.join(f'{x:.2f}' for x in m['load_at_start'])}"
            + (f", at end {' '.join(f'{x:.2f}' for x in m['load_at_end'])}" if m.get("load_at_end") else ""))


def jvm_options_file(path):
    """The options of a java argument file (one or more per line, # starts a comment)."""
    out = []
    with open(path) as f:
        for line in f:
            out += line.split("#", 1)[0].split()
    return out


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="scripts/bench.sh", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="Scenarios: " + "; ".join(f"{k} {v}" for k, v in NAMES.items()))
    ap.add_argument("--scenarios", default="1,2,3,4,5,6,7,8,9,10,11", help="comma-separated scenario numbers (default all)")
    ap.add_argument("--reps", type=int, default=3, help="measured windows per configuration (>= 3; default 3)")
    ap.add_argument("--seconds", type=float, default=20, help="seconds per measured window (default 20)")
    ap.add_argument("--warmup", type=float, default=15, help="warm-up seconds before measuring (>= 5; default 15)")
    ap.add_argument("--backpressure-seconds", type=int, default=300, help="scenario 4 duration (default 300)")
    ap.add_argument("--soak-minutes", type=float, default=30, help="scenario 6 duration (default 30)")
    ap.add_argument("--soak-rate", type=int, default=20000, help="scenario 6 rate, msg/s (default 20000)")
    ap.add_argument("--soak-mode", choices=("unary", "batch-map"), default="unary",
                    help="scenario 6 map mode: unary (default) or batch-map (the cat UDF in batch mode)")
    ap.add_argument("--soak-batch-size", type=int, default=500,
                    help="scenario 6 batch-map: elements per batch (default 500, Numaflow's default read batch)")
    ap.add_argument("--soak-interval", type=float, default=10, help="scenario 6 sampling period, s (default 10)")
    ap.add_argument("--sweep", default="1,2,4,8,16,32,64,128,256,512,1024", help="scenario 7 concurrencies")
    ap.add_argument("--sweep-seconds", type=float, default=None, help="scenario 7 window seconds (default --seconds)")
    ap.add_argument("--sweep-reps", type=int, default=None, help="scenario 7 windows (default --reps)")
    ap.add_argument("--auto-saturate", type=int, default=32,
                    help="scenario 10: K, the elements the latency UDF serves at once (default 32)")
    ap.add_argument("--auto-sweep", default="8,16,32,48,64,128,256",
                    help="scenario 10: the fixed map.concurrency settings measured beside auto (default 8,16,32,48,64,128,256)")
    ap.add_argument("--kafka-records", type=int, default=6_000_000,
                    help="scenario 8: records of 500 bytes preloaded into the input topic once (default 6,000,000, "
                         "~3 GB on disk in results/<ts>/kafka, with the outputs up to ~4x that, deleted afterwards "
                         "unless --keep-files); every consumer reads them from the start, and a window in which one "
                         "ran out is dropped (the warm-up says when that is likely)")
    ap.add_argument("--kafka-partitions", type=int, default=4, help="scenario 8: partitions of every topic (default 4)")
    ap.add_argument("--kafka-loops", default="kafka-clients,vertx",
                    help="scenario 8: the plain loops measured beside Flowmesh, in order: kafka-clients (the limit, "
                         "measured first), vertx (vertx-kafka-client, measured last); default both")
    ap.add_argument("--graph-shapes", default="single,chain3,fanout2",
                    help="scenario 9: the pipelines measured one after the other in the same run, in order: "
                         "single (source -> map(cat) -> sink), chain3 (source -> map(cat) x 3 -> sink), "
                         "fanout2 (source -> map(cat) -> two sinks by map.edge.to); default all three")
    ap.add_argument("--latency-slices", action="store_true",
                    help="scenario 5: also scrape the sink's latency histogram every 100 ms and report the p99 (and the "
                         "share over the last bucket under 10 ms) in slices with a kernel-thread burst (kdamond) and in the others")
    ap.add_argument("--max-rate", type=float, default=150000,
                    help="scenarios 4 and 5 without scenario 2 in the same run: the max rate to take 10%%/50%% of")
    ap.add_argument("--jvm-opts", default="-XX:+UseParallelGC -Xms256m -Xmx256m -XX:+AlwaysPreTouch",
                    help="JVM options of every process")
    ap.add_argument("--map-jvm-opts", default=None,
                    help="JVM options of map-service, instead of --jvm-opts (default: map-service/jvm.options, "
                         "the options a map vertex ships with)")
    ap.add_argument("--map-env", action="append", default=None,
                    help="environment of map-service, KEY=VALUE (repeatable; default MALLOC_ARENA_MAX=2 as in the image)")
    ap.add_argument("--map-arg", action="append", default=[],
                    help="extra map-service flag for the cat pipelines (scenarios 2, 4, 5, 6, 8), e.g. --map-arg=--map.instances=1 (repeatable)")
    ap.add_argument("--service-arg", action="append", default=[],
                    help="extra flag for source, map and sink in every scenario, e.g. --service-arg=--vertx.event-loops=1 (repeatable)")
    ap.add_argument("--map-jar", default=None, help="run this map-service jar instead of the built one (A/B comparisons)")
    ap.add_argument("--udf-unix", action="store_true", help="the map reaches its UDF on a Unix socket instead of loopback TCP")
    ap.add_argument("--udf-jar", default=None, help="run this example UDF server jar (flowmesh-udf.jar) instead of the built one (A/B comparisons)")
    ap.add_argument("--jfr", action="store_true", help="record the processes of scenario 2 (and of Flowmesh in scenario 8) with JFR and summarize top frames")
    ap.add_argument("--keep-files", action="store_true", help="keep the soak's NDJSON file and scenario 8's Kafka data")
    ap.add_argument("--results", default=os.path.join(ROOT, "results"), help="results folder (default results/)")
    a = ap.parse_args(argv)
    if a.map_jvm_opts is None:
        a.map_jvm_opts = " ".join(jvm_options_file(os.path.join(ROOT, "map-service", "jvm.options")))
    if a.map_env is None:
        a.map_env = ["MALLOC_ARENA_MAX=2"]
    bad_env = [x for x in a.map_env if "=" not in x]
    if bad_env:
        ap.error(f"--map-env takes KEY=VALUE, not {bad_env}")
    a.scenario_list = sorted({int(x) for x in a.scenarios.split(",") if x.strip()})
    bad = [s for s in a.scenario_list if s not in ALL_SCENARIOS]
    if bad:
        ap.error(f"unknown scenario(s) {bad}: choose from 1-10")
    loops = [c.strip() for c in a.kafka_loops.split(",") if c.strip()]
    if any(c not in ("kafka-clients", "vertx") for c in loops) or len(set(loops)) != len(loops):
        ap.error(f"--kafka-loops takes kafka-clients and/or vertx, each once, not '{a.kafka_loops}'")
    shapes = [c.strip() for c in a.graph_shapes.split(",") if c.strip()]
    if not shapes or any(c not in ("single", "chain3", "fanout2") for c in shapes) or len(set(shapes)) != len(shapes):
        ap.error(f"--graph-shapes takes single, chain3 and/or fanout2, each once, not '{a.graph_shapes}'")
    if a.kafka_records < 1000 or a.kafka_partitions < 1:
        ap.error("--kafka-records must be at least 1000 and --kafka-partitions at least 1")
    if a.reps < 3:
        ap.error("--reps must be at least 3 (medians)")
    if a.warmup < 5:
        ap.error("--warmup must be at least 5 s (JIT warm-up)")
    return a


def main(argv):
    args = parse_args(argv)
    b = Bench(args)
    started = datetime.datetime.now().isoformat(timespec="seconds")

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    for s in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)
    machine = machine_info(b.java)
    log(f"results in {b.run_dir}; machine: {machine['nproc']} cores, {machine['memory']}, load {machine['load_at_start']}")
    scen_loads = {}
    failed = []
    try:
        for s in args.scenario_list:
            log(f"=== scenario {s}: {NAMES[s]} (load {loadavg()})")
            l0 = loadavg()
            try:
                getattr(b, f"s{s}")()
            except Exception as e:  # noqa: BLE001 - one scenario's failure must not stop the others
                if not isinstance(e, BenchError):
                    import traceback
                    traceback.print_exc()
                log(f"scenario {s} FAILED: {e}")
                failed.append(s)
                b.add(s, NAMES[s], "FAILED: " + str(e).splitlines()[0], None, "", ok=False)
            scen_loads[s] = {"start": l0, "end": loadavg()}
    except KeyboardInterrupt as e:
        log(f"interrupted ({e}); stopping every process")
        b.reg.stop_all()
        machine["load_at_end"] = loadavg()
        b.write(machine, started, scen_loads)
        return 130
    finally:
        b.reg.stop_all()
    machine["load_at_end"] = loadavg()
    md = b.write(machine, started, scen_loads)
    print()
    print(machine_md(machine))
    print()
    print(md)
    print()
    log(f"written: {b.run_dir}/summary.md, summary.csv, windows.csv, results.json, charts/*.svg")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
