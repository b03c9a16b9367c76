"""Scenario 8 of scripts/bench.sh: Kafka -> map(cat) -> Kafka on one local broker, and in the same run the
limit: a plain consume-then-produce loop (flowmesh-bench.jar kafka-loop) against the same broker and input
topic, with kafka-clients alone and, unless --kafka-loops says otherwise, through vertx-kafka-client.

One broker (kafka-broker's Main, in its own JVM) on free loopback ports; the input topic is preloaded once
with --kafka-records records of MSG_SIZE bytes; every consumer reads it from the start in its own group and
writes to its own output topic. Throughput is the output records acknowledged per second (the sink's
flowmesh_sink_messages_total, the loop's bench_loop_messages_total); CPU per million from /proc per process,
the broker's apart. A window in which a consumer reached the end of the input is dropped.
"""

import os
import shutil
import signal
import subprocess
import time

import flowbench as fb
import svgchart

BENCH_JAR = "bench/target/flowmesh-bench.jar"
BROKER_CLASSES = "kafka-broker/target/classes"
BROKER_LIB = "kafka-broker/target/kafka-lib"
MSG_SIZE = 500  # the generator's default (source.msg-size), as in the other scenarios
INPUT = "bench-in"
LOOP_CLIENTS = {"kafka-clients": "loop (kafka-clients)", "vertx": "loop (vertx-kafka-client)"}
FLOWMESH = "kafka->map(cat)->kafka"


def child_pids(pid):
    """Children of a process, from /proc/<pid>/task/*/children."""
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return out


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


class Broker:
    """kafka-broker's Main (which formats the storage, starts the broker JVM and creates the topics) on free
    ports. `pid` is the broker's own JVM, a child of Main, for its CPU; both pids go to <run>/pids."""

    def __init__(self, bench):
        self.b = bench
        self.port, self.controller = fb.free_ports(2)
        self.data = os.path.join(bench.run_dir, "kafka")
        self.bootstrap = f"127.0.0.1:{self.port}"
        self.proc, self.pid = None, None

    def start(self, topics, partitions):
        """Starts the broker; once more on fresh ports and storage if the first start failed (a storage
        format once failed within 5 s at load 32 and worked when repeated)."""
        try:
            return self._start(topics, partitions)
        except fb.BenchError as e:
            fb.log(f"s8: {str(e).splitlines()[0]} (see logs/s8/broker-1.log); starting it once more")
            self.stop(keep_log_as="broker-1.log")
            self.port, self.controller = fb.free_ports(2)
            self.bootstrap = f"127.0.0.1:{self.port}"
            self.data += "-2"
            return self._start(topics, partitions)

    def _start(self, topics, partitions):
        cp = os.path.join(fb.ROOT, BROKER_CLASSES) + ":" + os.path.join(fb.ROOT, BROKER_LIB, "*")
        cmd = [self.b.java, "-cp", cp, "io.flowmesh.kafka.broker.Main", "--dir", self.data, "--port", str(self.port),
               "--controller-port", str(self.controller)]
        for t in topics:
            cmd += ["--topic", f"{t}:{partitions}"]
        d = os.path.join(self.b.run_dir, "logs", "s8")
        os.makedirs(d, exist_ok=True)
        self.proc = self.b.reg.start("kafka", cmd, os.path.join(d, "kafka-main.log"))
        deadline = time.monotonic() + 180
        while True:
            if not self.proc.alive():
                raise fb.BenchError(f"s8: the Kafka broker exited while starting:\n{self.proc.tail()}\n"
                                    f"(its own log: {os.path.join(self.data, 'broker.log')})")
            with open(self.proc.log, errors="replace") as f:
                if "kafka-local: broker at" in f.read():
                    break
            if time.monotonic() > deadline:
                raise fb.BenchError(f"s8: the Kafka broker did not start within 180 s:\n{self.proc.tail()}")
            time.sleep(0.2)
        kids = [p for p in child_pids(self.proc.pid) if "kafka.Kafka" in cmdline(p)]
        if not kids:
            raise fb.BenchError(f"s8: no broker JVM (kafka.Kafka) under pid {self.proc.pid}")
        self.pid = kids[0]
        with open(self.b.reg.pidfile, "a") as f:
            f.write(f"{self.pid}\n")
        fb.log(f"s8: broker at {self.bootstrap} (pid {self.pid}), topics {', '.join(topics)} with {partitions} partitions")
        return self

    def alive(self):
        return self.pid is not None and os.path.exists(f"/proc/{self.pid}") and "kafka.Kafka" in cmdline(self.pid)

    def stop(self, keep_log_as="broker.log"):
        """Stops the broker, copies its own log to logs/s8/ and deletes its data (unless --keep-files)."""
        if self.proc is None:
            return
        self.b.reg.stop([self.proc], grace=40.0)  # Main's shutdown hook stops the broker (SIGTERM, 20 s, SIGKILL)
        deadline = time.monotonic() + 10
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.2)
        if self.alive():
            os.kill(self.pid, signal.SIGKILL)
        self.proc, self.pid = None, None
        log = os.path.join(self.data, "broker.log")
        if os.path.exists(log):
            shutil.copy(log, os.path.join(self.b.run_dir, "logs", "s8", keep_log_as))
        if not self.b.args.keep_files:
            shutil.rmtree(self.data, ignore_errors=True)


def with_broker(snap, broker):
    """Adds the broker's CPU and RSS to a snapshot (it counts as ours in "other procs")."""
    snap["cpu"]["broker"] = fb.proc_ticks(broker.pid)
    snap["sys"]["broker"] = fb.proc_sys_ticks(broker.pid)
    snap["rss"]["broker"] = fb.proc_rss_mb(broker.pid)
    return snap


class KafkaPipeline(fb.Pipeline):
    """Flowmesh with the Kafka source and sink, the broker's CPU beside its own processes'."""

    def __init__(self, bench, broker, output):
        kafka = broker.bootstrap
        super().__init__(bench, "s8-flowmesh", udf="cat", map_args=bench.args.map_arg,
                         source_args=["--source.type=kafka", f"--source.kafka.bootstrap-servers={kafka}",
                                      f"--source.kafka.topics={INPUT}", "--source.kafka.group-id=bench-flowmesh",
                                      "--source.kafka.start-position=earliest"],
                         sink_args=["--sink.type=kafka", f"--sink.kafka.bootstrap-servers={kafka}",
                                    f"--sink.kafka.topic={output}"])
        self.broker = broker

    def snapshot(self):
        return with_broker(super().snapshot(), self.broker)

    def check_alive(self):
        super().check_alive()
        if not self.broker.alive():
            raise fb.BenchError("s8: the Kafka broker exited")

    def record_jfr(self, action):
        """With --jfr: starts (after the warm-up) or stops (after the windows, writing <name>.jfr) a Flight
        Recording in each process through jcmd, so the recording covers the measured windows (the JVM option
        of scenario 2 starts at a fixed delay from the process's start, which a loaded machine's slow start
        and the group's join would put before the warm-up's end)."""
        if not self.b.args.jfr:
            return
        jcmd = os.path.join(os.path.dirname(os.path.realpath(shutil.which(self.b.java) or self.b.java)), "jcmd")
        for name, p in self.procs.items():
            if action == "start":
                cmd = [jcmd, str(p.pid), "JFR.start", "name=bench", f"settings={self.b.jfc()}"]
            else:
                cmd = [jcmd, str(p.pid), "JFR.stop", "name=bench", f"filename={os.path.join(self.dir, name + '.jfr')}"]
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
            if r.returncode != 0:
                fb.log(f"s8: jcmd JFR.{action} of {name} failed: {(r.stdout + r.stderr).strip()[:300]}")


class LoopRun:
    """flowmesh-bench.jar kafka-loop in its own JVM (the services' JVM options), scraped like a service."""

    def __init__(self, bench, broker, client, output, group=None):
        self.b, self.broker, self.client, self.output = bench, broker, client, output
        self.group = group or f"bench-loop-{client}"
        self.tag = f"s8-loop-{client}" if group is None else f"s8-{group}"
        self.dir = os.path.join(bench.run_dir, "logs", self.tag)
        os.makedirs(self.dir, exist_ok=True)
        self.http = fb.free_ports(1)[0]
        self.procs = {}

    def start(self):
        cmd = [self.b.java] + self.b.jvm_opts + ["-jar", os.path.join(fb.ROOT, BENCH_JAR), "kafka-loop",
                                                 "--bootstrap", self.broker.bootstrap, "--input", INPUT,
                                                 "--output", self.output, "--group", self.group,
                                                 "--http-port", str(self.http), "--client", self.client]
        p = self.b.reg.start("loop", cmd, os.path.join(self.dir, "loop.log"))
        self.procs["loop"] = p
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            self.check_alive()
            with open(p.log, errors="replace") as f:
                if "metrics on http" in f.read():
                    return self
            time.sleep(0.2)
        raise fb.BenchError(f"{self.tag}: the loop did not start within 90 s:\n{p.tail()}")

    def check_alive(self):
        p = self.procs["loop"]
        if not p.alive():
            raise fb.BenchError(f"{self.tag}: the loop exited (status {p.popen.returncode}):\n{p.tail()}")
        if not self.broker.alive():
            raise fb.BenchError("s8: the Kafka broker exited")

    def snapshot(self):
        t = time.monotonic()
        busy = fb.cpu_busy_ticks()
        pid = self.procs["loop"].pid
        try:
            m, _ = fb.parse_prometheus(fb.http_get(f"http://127.0.0.1:{self.http}/metrics", 10)[1])
        except Exception:  # noqa: BLE001 - a scrape may fail while stopping
            m = {}
        snap = {"t": t, "wall": time.time(), "busy": busy, "cpu": {"loop": fb.proc_ticks(pid)},
                "sys": {"loop": fb.proc_sys_ticks(pid)}, "rss": {"loop": fb.proc_rss_mb(pid)}, "load": fb.loadavg()[0],
                "produced": None, "acked": None, "written": m.get("bench_loop_messages_total"), "hist": {}, "alloc": {},
                "errors": {k: v for k, v in m.items() if k.endswith("failures_total") and v}}
        return with_broker(snap, self.broker)

    def stop(self):
        self.b.reg.stop([self.procs["loop"]])


def warm_up_broker(bench, broker, output):
    """The broker's fetch path is cold after the preload (its CPU per record was 3-4 times higher under the
    first consumer than under the last in a run without this): the kafka-clients loop runs for the warm-up
    time, in a group and to a topic of its own, before anything is measured."""
    seconds = max(20.0, bench.args.warmup)
    runner = LoopRun(bench, broker, "kafka-clients", output, group="bench-warmup")
    fb.log(f"s8: warming the broker up for {seconds:.0f} s (a loop of its own, not measured)")
    try:
        runner.start()
        deadline = time.monotonic() + 120
        while not (runner.snapshot()["written"] or 0) > 0 and time.monotonic() < deadline:
            bench.sleep(runner, 0.5)
        a = runner.snapshot()
        bench.sleep(runner, seconds)
        b = runner.snapshot()
        rate = ((b["written"] or 0) - (a["written"] or 0)) / (b["t"] - a["t"])
        fb.log(f"s8: broker warm-up wrote {b['written'] or 0:,.0f} records, lately {rate:,.0f}/s")
        need = rate * (bench.args.warmup + bench.args.reps * bench.args.seconds + 10)
        if need > bench.args.kafka_records:
            fb.log(f"s8: at that rate a loop needs ~{need:,.0f} records for its warm-up and windows, more than the "
                   f"{bench.args.kafka_records:,} preloaded: windows may be dropped (raise --kafka-records)")
    finally:
        runner.stop()


def measure(bench, runner, config, records, cpu_of):
    """Once the first records are written (a JVM's start and the group's join take a while on a loaded
    machine), the warm-up, then up to --reps windows; a window at whose end every preloaded record was
    written is dropped (the input ran out during it), and the measuring stops there."""
    args = bench.args
    deadline = time.monotonic() + 120
    while not (runner.snapshot()["written"] or 0) > 0:
        if time.monotonic() > deadline:
            raise fb.BenchError(f"{runner.tag}: nothing written to Kafka within 120 s of the start")
        bench.sleep(runner, 0.5)
    bench.sleep(runner, args.warmup)
    if hasattr(runner, "record_jfr") and args.jfr:
        runner.record_jfr("start")
        bench.sleep(runner, 2)  # the recorder's own start-up, outside the windows
    a = runner.snapshot()
    if not (a["written"] or 0) > 0:
        raise fb.BenchError(f"{runner.tag}: nothing written to Kafka after the {args.warmup} s warm-up")
    if a["written"] >= records:
        raise fb.BenchError(f"{runner.tag}: all {records:,} preloaded records were consumed during the warm-up; "
                            "raise --kafka-records")
    out = []
    for r in range(args.reps):
        bench.sleep(runner, args.seconds)
        b = runner.snapshot()
        if (b["written"] or 0) >= records:
            fb.log(f"  {config}: the input ran out during window {r + 1}; it is dropped (raise --kafka-records for more)")
            break
        w = fb.window(a, b, cpu_of)
        w.update(scenario=8, config=config, rep=r + 1, errors=fb.error_delta(a, b))
        out.append(w)
        bench.rows.append(w)
        fb.log(f"  {config} rep {r + 1}: {w['rate']:,.0f} msg/s, CPU {fb.fmt(w['cpu_per_million'], 2)} s/M "
               f"(+ broker {fb.fmt(per_million(w, 'broker'), 2)}), other load {fb.fmt(w['other_cores'], 2)} cores, "
               f"load1 {w['load1']:.2f}")
        a = b
    if hasattr(runner, "record_jfr"):
        runner.record_jfr("stop")
    if not out:
        raise fb.BenchError(f"{runner.tag}: the input ran out before the first window ended; raise --kafka-records")
    return out


def per_million(w, name):
    return w["cores"][name] * w["seconds"] / (w["written"] / 1e6) if w["written"] and name in w["cores"] else None


def report(bench, config, ws, names):
    """Summary rows of one configuration: throughput, CPU per million of its processes and of the broker."""
    load = fb.med([w["load1"] for w in ws])
    other = fb.med([w["other_cores"] for w in ws])
    rates = [w["rate"] for w in ws]
    note = "" if len(ws) == bench.args.reps else f"{len(ws)} of {bench.args.reps} windows (input ran out)"
    bench.add(8, config, "throughput", rates, "msg/s", load=load, other=other, note=note)
    label = names[0] if len(names) == 1 else f"{len(names)} processes"
    bench.add(8, config, f"CPU per million ({label})", [w["cpu_per_million"] for w in ws], "CPU-s/M", load=load, other=other)
    if len(names) > 1:
        for n in names:
            bench.add(8, config, f"CPU per million, {n}", [per_million(w, n) for w in ws], "CPU-s/M", load=load, other=other)
    bench.add(8, config, "CPU per million, broker (not in the above)", [per_million(w, "broker") for w in ws], "CPU-s/M",
              load=load, other=other)
    errors = {}
    for w in ws:
        for k, v in w.get("errors", {}).items():
            errors[k] = errors.get(k, 0) + v
    if errors:
        bench.add(8, config, "error counters that grew: " + ", ".join(f"{k} +{v:.0f}" for k, v in errors.items()),
                  None, "", load=load, other=other)
    return fb.med(rates), fb.med([w["cpu_per_million"] for w in ws]), load, other


def run(bench):
    args = bench.args
    clients = [c.strip() for c in args.kafka_loops.split(",") if c.strip()]
    outputs = {c: f"bench-out-{c}" for c in clients}
    outputs["flowmesh"] = "bench-out-flowmesh"
    outputs["warm-up"] = "bench-out-warmup"
    broker = Broker(bench)
    res, details, failed = {}, {}, []
    try:
        broker.start([INPUT] + list(outputs.values()), args.kafka_partitions)
        fb.log(f"s8: preloading {args.kafka_records:,} records of {MSG_SIZE} bytes into {INPUT}")
        t0 = time.monotonic()
        pre = bench.reg.start("preload", [bench.java] + bench.jvm_opts + [
            "-jar", os.path.join(fb.ROOT, BENCH_JAR), "kafka-preload", "--bootstrap", broker.bootstrap, "--topic", INPUT,
            "--count", str(args.kafka_records), "--size", str(MSG_SIZE)], os.path.join(bench.run_dir, "logs", "s8", "preload.log"))
        if pre.popen.wait() != 0:
            raise fb.BenchError(f"s8: preloading the input failed:\n{pre.tail()}")
        fb.log(f"s8: {pre.tail(1).strip()} ({time.monotonic() - t0:.0f} s with start-up)")
        warm_up_broker(bench, broker, outputs["warm-up"])
        order = [("loop", clients[0])] if clients else []
        order += [("flowmesh", None)] + [("loop", c) for c in clients[1:]]
        for kind, client in order:
            if kind == "loop":
                config = LOOP_CLIENTS[client]
                runner = LoopRun(bench, broker, client, outputs[client])
                fb.log(f"{runner.tag}: starting the loop")
                names = ["loop"]
            else:
                config = FLOWMESH
                runner = KafkaPipeline(bench, broker, outputs["flowmesh"])
                fb.log("s8-flowmesh: starting processes")
                names = ["udf", "source", "map", "sink"]
            try:
                try:
                    runner.start()
                    ws = measure(bench, runner, config, args.kafka_records, names)
                finally:
                    runner.stop()
            except fb.BenchError as e:  # one configuration's failure must not lose the others
                fb.log(f"s8: {config} FAILED: {e}")
                bench.add(8, config, "FAILED: " + str(e).splitlines()[0], None, "", ok=False)
                failed.append(config)
                continue
            res[config] = report(bench, config, ws, names)
            details[config] = ws
            if kind == "flowmesh" and args.jfr:
                bench.jfr_report(runner.dir)
    finally:
        broker.stop()
    def ratio_rows(x, y, cpu_label, target=None):
        """Throughput and CPU-per-million ratios x / y; the load and other procs are the higher of the two."""
        load, other = max(res[x][2], res[y][2]), max(res[x][3] or 0, res[y][3] or 0)
        r = res[x][0] / res[y][0]
        bench.add(8, f"{x} / {y}", "throughput ratio", r, "", target, (r >= 0.5) if target else None, load=load, other=other)
        bench.add(8, f"{x} / {y}", f"CPU per million ratio ({cpu_label})", res[x][1] / res[y][1], "", load=load, other=other)

    loop = LOOP_CLIENTS.get(clients[0]) if clients else None
    if loop in res and FLOWMESH in res:
        ratio_rows(FLOWMESH, loop, "Flowmesh's 4 processes / the loop", ">= 0.5" if clients[0] == "kafka-clients" else None)
    a, b = LOOP_CLIENTS["vertx"], LOOP_CLIENTS["kafka-clients"]
    if a in res and b in res:
        ratio_rows(a, b, "loop process")
    names = list(res)
    if names:
        svgchart.bar_chart(bench.chart("s8-kafka-throughput.svg"), f"Kafka in and out, one local broker, {MSG_SIZE}-byte records",
                           [(n, [res[n][0]]) for n in names], ["median msg/s"], "records / s",
                           subtitle=bench.subtitle(details[names[0]]),
                           reps=[("", [[w["rate"] for w in details[n]]]) for n in names])
    bench.scen[8] = {"records": args.kafka_records, "partitions": args.kafka_partitions, "msg_size": MSG_SIZE,
                     "bootstrap": broker.bootstrap, "windows": details}
    if failed:
        raise fb.BenchError(f"s8: {', '.join(failed)} failed (the others are in the table)")
