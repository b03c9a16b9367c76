"""Scenario 9 of scripts/bench.sh: pipeline shapes of issue 15 against the single map, in one run, same UDF (cat).

Shapes (--graph-shapes, measured one after the other in the given order, each with its warm-up and --reps windows):
  single  source -> map(cat) -> sink, as scenario 2
  chain3  source -> map1(cat) -> map2(cat) -> map3(cat) -> sink, each map its own process with its own UDF
          process, wired as a user runs a chain by hand (docs/running.md): vertex.name per map, map.upstream
          on the previous vertex's edge, allowed-subscribers naming the next vertex
  fanout2 source -> map(cat) -> two blackhole sinks, sink-a and sink-b (`--map.edge.to=sink-a,sink-b`, no
          condition: every output goes to both); throughput is what reached both sinks (the lower of their
          counts) per second, so CPU per million is per message in
Throughput is what the (blackhole) sink writes per second; CPU per million from /proc per process, so the table
says which process pays for the extra hops or the second edge. The ratios are chain3 / single and fanout2 / single,
from the same run.
"""

import os
import secrets

import flowbench as fb
import svgchart

SINGLE, CHAIN3, FANOUT2 = "single", "chain3", "fanout2"
CONFIGS = {SINGLE: "source->map(cat)->sink", CHAIN3: "source->map(cat)x3->sink", FANOUT2: "source->map(cat)->2 sinks"}


class ChainPipeline(fb.Pipeline):
    """source -> map1 -> ... -> mapN -> blackhole sink; udfI serves mapI. Process names map1..N, udf1..N."""

    def __init__(self, bench, tag, maps):
        super().__init__(bench, tag, udf="cat", sink_args=["--sink.type=blackhole"], map_args=bench.args.map_arg)
        self.with_map = False  # no single "map" to scrape; the maps are map1..N (their CPU is per process)
        self.names = [f"map{i + 1}" for i in range(maps)]
        ports = fb.free_ports(3 * maps)
        self.chain = [{"name": n, "udf": ports[3 * i], "http": ports[3 * i + 1], "edge": ports[3 * i + 2]}
                      for i, n in enumerate(self.names)]
        for m in self.chain:
            self.urls[m["name"]] = f"http://127.0.0.1:{m['http']}"

    def start(self):
        common = ["--bind.host=127.0.0.1", "--shutdown.timeout=5s", "--edge.reconnect-max=500ms"] + self.b.args.service_arg
        for i, m in enumerate(self.chain):
            name = f"udf{i + 1}"
            ua = [self.udf, "--address", f"tcp://127.0.0.1:{m['udf']}"] + self.udf_args
            self.procs[name] = self.b.reg.start(name, self._java(name, kind="udf") + ua, os.path.join(self.dir, name + ".log"))
        for i in range(len(self.chain)):
            self._await_log(f"udf{i + 1}", " listening on ", 60)
        env = {"FLOWMESH_EDGE_TOKEN": secrets.token_hex(24)}
        src = ["--source.http.port=%d" % self.src_http, "--source.edge.port=%d" % self.src_edge, "--source.id-prefix=bench",
               "--source.edge.allowed-subscribers=" + self.names[0]] + common + self.source_args
        self.procs["source"] = self.b.reg.start("source", self._java("source") + src, os.path.join(self.dir, "source.log"), env)
        upstream = self.src_edge
        for i, m in enumerate(self.chain):
            nxt = self.names[i + 1] if i + 1 < len(self.names) else "sink"
            mp = [f"--vertex.name={m['name']}", f"--map.http.port={m['http']}", f"--map.edge.port={m['edge']}",
                  f"--map.upstream=127.0.0.1:{upstream}", f"--map.edge.allowed-subscribers={nxt}",
                  f"--udf.address=tcp://127.0.0.1:{m['udf']}", "--udf.reconnect.max-backoff=500ms"] + common + self.map_args
            self.procs[m["name"]] = self.b.reg.start(m["name"], self._java(m["name"], kind="map") + mp,
                                                     os.path.join(self.dir, m["name"] + ".log"), {**env, **self.b.map_env})
            upstream = m["edge"]
        sk = ["--sink.http.port=%d" % self.sink_http, "--sink.upstream=127.0.0.1:%d" % upstream] + common + self.sink_args
        self.procs["sink"] = self.b.reg.start("sink", self._java("sink") + sk, os.path.join(self.dir, "sink.log"), env)
        for name in ["source"] + self.names + ["sink"]:
            self._await_ready(name, 90)
        return self

    def stop(self):
        order = ["source"] + self.names + ["sink"] + [f"udf{i + 1}" for i in range(len(self.names))]
        self.b.reg.stop([self.procs[n] for n in order if n in self.procs])


class FanoutPipeline(fb.Pipeline):
    """source -> map -> sink-a and sink-b, the map's outbound edges named by map.edge.to (no conditions)."""

    SINKS = ("sink-a", "sink-b")

    def __init__(self, bench, tag):
        super().__init__(bench, tag, udf="cat", sink_args=["--sink.type=blackhole"], map_args=bench.args.map_arg)
        self.sink_ports = {"sink-a": self.sink_http, "sink-b": fb.free_ports(1)[0]}
        for n, port in self.sink_ports.items():
            self.urls[n] = f"http://127.0.0.1:{port}"

    def start(self):
        common = ["--bind.host=127.0.0.1", "--shutdown.timeout=5s", "--edge.reconnect-max=500ms"] + self.b.args.service_arg
        ua = [self.udf, "--address", f"tcp://127.0.0.1:{self.udf_port}"] + self.udf_args
        self.procs["udf"] = self.b.reg.start("udf", self._java("udf") + ua, os.path.join(self.dir, "udf.log"))
        self._await_log("udf", " listening on ", 60)
        env = {"FLOWMESH_EDGE_TOKEN": secrets.token_hex(24)}
        src = ["--source.http.port=%d" % self.src_http, "--source.edge.port=%d" % self.src_edge,
               "--source.id-prefix=bench"] + common + self.source_args
        self.procs["source"] = self.b.reg.start("source", self._java("source") + src, os.path.join(self.dir, "source.log"), env)
        mp = ["--map.http.port=%d" % self.map_http, "--map.edge.port=%d" % self.map_edge,
              "--map.upstream=127.0.0.1:%d" % self.src_edge, "--map.edge.to=" + ",".join(self.SINKS),
              "--udf.address=tcp://127.0.0.1:%d" % self.udf_port, "--udf.reconnect.max-backoff=500ms"] + common + self.map_args
        self.procs["map"] = self.b.reg.start("map", self._java("map") + mp, os.path.join(self.dir, "map.log"),
                                             {**env, **self.b.map_env})
        for n in self.SINKS:
            sk = [f"--vertex.name={n}", "--sink.http.port=%d" % self.sink_ports[n],
                  "--sink.upstream=127.0.0.1:%d" % self.map_edge] + common + self.sink_args
            self.procs[n] = self.b.reg.start(n, self._java(n, kind="sink") + sk, os.path.join(self.dir, n + ".log"), env)
        for name in ("source", "map") + self.SINKS:
            self._await_ready(name, 90)
        return self

    def snapshot(self):
        """As one sink's, with `written` the lower of the two sinks' counts: messages that reached both."""
        snap = super().snapshot()  # scrapes urls["sink"], which is sink-a's
        b, _ = self.metrics("sink-b")
        a_written, b_written = snap["written"], b.get("flowmesh_sink_messages_total")
        snap["written"] = None if a_written is None or b_written is None else min(a_written, b_written)
        return snap

    def stop(self):
        self.b.reg.stop([self.procs[n] for n in ("source", "map") + self.SINKS + ("udf",) if n in self.procs])


SHAPES = {
    SINGLE: lambda bench: fb.Pipeline(bench, "s9-single", udf="cat", sink_args=["--sink.type=blackhole"],
                                      map_args=bench.args.map_arg),
    CHAIN3: lambda bench: ChainPipeline(bench, "s9-chain3", 3),
    FANOUT2: lambda bench: FanoutPipeline(bench, "s9-fanout2"),
}


def per_million(w, name):
    return w["cores"][name] * w["seconds"] / (w["written"] / 1e6) if w["written"] and name in w["cores"] else None


def report(bench, config, ws):
    """Throughput, CPU per million of all processes and of each; returns the medians and the load."""
    load = fb.med([w["load1"] for w in ws])
    rates = [w["rate"] for w in ws]
    names = list(ws[0]["cores"])
    bench.add(9, config, "throughput", rates, "msg/s", load=load)
    bench.add(9, config, f"CPU per million ({len(names)} processes)", [w["cpu_per_million"] for w in ws], "CPU-s/M", load=load)
    per = {}
    for n in names:
        vals = [per_million(w, n) for w in ws]
        per[n] = fb.med(vals)
        bench.add(9, config, f"CPU per million, {n}", vals, "CPU-s/M", load=load)
    return {"rate": fb.med(rates), "cpu": fb.med([w["cpu_per_million"] for w in ws]), "per": per, "load": load,
            "loads": [w["load1"] for w in ws], "rates": rates}


def run(bench):
    shapes = [c.strip() for c in bench.args.graph_shapes.split(",") if c.strip()]
    res, details, failed = {}, {}, []
    for shape in shapes:
        config = CONFIGS[shape]
        p = SHAPES[shape](bench)
        fb.log(f"{p.tag}: starting processes")
        try:
            try:
                p.start()
                ws = bench.measure(p, 9, config)
            finally:
                p.stop()
        except fb.BenchError as e:  # one shape's failure must not lose the other
            fb.log(f"s9: {config} FAILED: {e}")
            bench.add(9, config, "FAILED: " + str(e).splitlines()[0], None, "", ok=False)
            failed.append(config)
            continue
        res[shape] = report(bench, config, ws)
        details[shape] = ws
    if SINGLE in res and CHAIN3 in res:
        a, b = res[CHAIN3], res[SINGLE]
        load = max(a["load"], b["load"])
        label = f"{CONFIGS[CHAIN3]} / {CONFIGS[SINGLE]}"
        bench.add(9, label, "throughput ratio", a["rate"] / b["rate"], "", load=load)
        bench.add(9, label, "CPU per million ratio (all processes)", a["cpu"] / b["cpu"], "", load=load)
        maps = [a["per"][n] for n in a["per"] if n.startswith("map")]
        udfs = [a["per"][n] for n in a["per"] if n.startswith("udf")]
        bench.add(9, label, "CPU per million of one map in the chain (mean of 3) / the single map",
                  (sum(maps) / len(maps)) / b["per"]["map"] if maps and b["per"].get("map") else None, "", load=load)
        bench.add(9, label, "CPU per million of one UDF in the chain (mean of 3) / the single map's UDF",
                  (sum(udfs) / len(udfs)) / b["per"]["udf"] if udfs and b["per"].get("udf") else None, "", load=load)
        bench.add(9, label, "extra CPU per million per added map hop (map + its UDF), (chain - single) / 2",
                  (a["cpu"] - b["cpu"]) / 2, "CPU-s/M", load=load)
    if SINGLE in res and FANOUT2 in res:
        a, b = res[FANOUT2], res[SINGLE]
        load = max(a["load"], b["load"])
        label = f"{CONFIGS[FANOUT2]} / {CONFIGS[SINGLE]}"
        bench.add(9, label, "throughput ratio (messages in, each reaching both sinks)", a["rate"] / b["rate"], "", load=load)
        bench.add(9, label, "CPU per million ratio (all processes, per message in)", a["cpu"] / b["cpu"], "", load=load)
        bench.add(9, label, "CPU per million of the map (two edges / one)",
                  a["per"]["map"] / b["per"]["map"] if a["per"].get("map") and b["per"].get("map") else None, "", load=load)
    if res:
        svgchart.bar_chart(bench.chart("s9-graph-throughput.svg"), "Pipeline shapes (cat UDF), 500-byte messages",
                           [(CONFIGS[s], [res[s]["rate"]]) for s in res], ["median msg/s"], "messages / s",
                           subtitle=bench.subtitle(details[next(iter(res))]),
                           reps=[("", [res[s]["rates"]]) for s in res])
    bench.scen[9] = {s: {"windows": details[s], "per_process_cpu_per_million": res[s]["per"]} for s in res}
    if failed:
        raise fb.BenchError(f"s9: {', '.join(failed)} failed (the others are in the table)")
