"""Scenario 9 of scripts/bench.sh: pipeline shapes of issue 15 against the single map, in one run, same UDF (cat).

Shapes (--graph-shapes, measured one after the other in the given order, each with its warm-up and --reps windows):
  single  source -> map(cat) -> sink, as scenario 2
  chain3  source -> map1(cat) -> map2(cat) -> map3(cat) -> sink, each map its own process with its own UDF
          process, wired as a user runs a chain by hand (docs/running.md): vertex.name per map, map.upstream
          on the previous vertex's edge, allowed-subscribers naming the next vertex
Throughput is what the (blackhole) sink writes per second; CPU per million from /proc per process, so the table
says which process pays for the extra hops. The ratios are chain3 / single from the same run.

TODO(fan-out, issue 15): once `map.edge.to` is on main, add a shape "fanout2": one map with
`--map.edge.to=sink-a,sink-b` and two blackhole sinks (`--vertex.name=sink-a` / `sink-b`, both
`--sink.upstream=<map edge>`), measured against "single" (one sink); throughput per sink and in total,
CPU per million over the sum written. It needs a snapshot summing both sinks' flowmesh_sink_messages_total
(override GraphPipeline.snapshot) and an entry in SHAPES below and in --graph-shapes' check in flowbench.py.
"""

import os
import secrets

import flowbench as fb
import svgchart

SINGLE, CHAIN3 = "single", "chain3"
CONFIGS = {SINGLE: "source->map(cat)->sink", CHAIN3: "source->map(cat)x3->sink"}


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


SHAPES = {
    SINGLE: lambda bench: fb.Pipeline(bench, "s9-single", udf="cat", sink_args=["--sink.type=blackhole"],
                                      map_args=bench.args.map_arg),
    CHAIN3: lambda bench: ChainPipeline(bench, "s9-chain3", 3),
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
    if res:
        svgchart.bar_chart(bench.chart("s9-chain-throughput.svg"), "One map vs a chain of three maps (cat), 500-byte messages",
                           [(CONFIGS[s], [res[s]["rate"]]) for s in res], ["median msg/s"], "messages / s",
                           subtitle=bench.subtitle(details[next(iter(res))]),
                           reps=[("", [res[s]["rates"]]) for s in res])
    bench.scen[9] = {s: {"windows": details[s], "per_process_cpu_per_million": res[s]["per"]} for s in res}
    if failed:
        raise fb.BenchError(f"s9: {', '.join(failed)} failed (the others are in the table)")
