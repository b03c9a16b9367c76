"""Scenario 11 of scripts/bench.sh: request/response serving (docs/serving.md), source(http) -> map(cat) -> blackhole sink.

flowmesh-bench.jar serving-load sends POST /v1/process/sync open-loop (each latency counted from when the request was
due) over a pool of HTTP/1.1 connections: first at 1,000 requests/s, then at doubling rates (2,000, 4,000, ...) while
p99 stays under 10 ms and nothing fails; the highest rate that held is reported with its p50/p99/p99.9. One run per
rate (--warmup then --seconds). Under load the figures are not the target's: the load is printed beside each.
"""

import json
import os
import subprocess

import flowbench as fb

BENCH_JAR = "bench/target/flowmesh-bench.jar"
TARGET_P99_MS = 10.0


def load(bench, p, rate):
    out = os.path.join(p.dir, f"serving-{int(rate)}.json")
    cmd = [bench.java] + list(bench.jvm_opts) + ["-jar", os.path.join(fb.ROOT, BENCH_JAR), "serving-load",
                                                 "--url", f"{p.urls['source']}/v1/process/sync", "--rate", str(rate),
                                                 "--seconds", str(int(bench.args.seconds)), "--warmup", str(int(bench.args.warmup)),
                                                 "--connections", "128", "--out", out]
    before = fb.loadavg()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, timeout=bench.args.seconds + bench.args.warmup + 180)
    with open(out) as f:
        r = json.load(f)
    r["load1"] = max(before[0], fb.loadavg()[0])
    secs = r.get("per_second") or []
    slow = sum(1 for s in secs if s["over_10ms"] > 0)
    fb.log(f"s11: {rate:,.0f}/s asked: {r['achieved_rate']:,.0f}/s answered, p50 {fb.fmt(r['p50_ms'])} ms, "
           f"p99 {fb.fmt(r['p99_ms'])} ms, p99.9 {fb.fmt(r['p999_ms'])} ms, errors {r['errors']}, load1 {r['load1']:.2f}; "
           f"{slow} of {len(secs)} seconds had answers over 10 ms (slowest {max((s['max_ms'] for s in secs), default=0):.1f} ms), "
           f"{sum(s.get('failed', 0) for s in secs)} failed or unanswered")
    if r.get("error_kinds"):
        fb.log(f"s11: what the errors were: " + "; ".join(f"{k} x{v}" for k, v in r["error_kinds"].items()))
    return r


def held(r):
    return (r["errors"] == 0 and r["p99_ms"] is not None and r["p99_ms"] < TARGET_P99_MS
            and r["achieved_rate"] >= 0.95 * r["rate"])


def report(bench, config, r, target=None):
    bench.add(11, config, "answered rate", r["achieved_rate"], "req/s", load=r["load1"])
    for k, label in (("p50_ms", "p50"), ("p99_ms", "p99"), ("p999_ms", "p99.9")):
        tgt = f"< {TARGET_P99_MS:g}" if (k == "p99_ms" and target) else None
        bench.add(11, config, f"sync latency {label}", r[k], "ms", tgt,
                  (r[k] is not None and r[k] < TARGET_P99_MS) if tgt else None, r["load1"])
    bench.add(11, config, "errors (non-200, unanswered)", r["errors"], "", load=r["load1"])


def run(bench):
    p = bench.pipeline("s11", udf="cat", map_args=bench.args.map_arg, source_args=["--source.type=http"],
                       sink_args=["--sink.type=blackhole"])
    runs = {}
    try:
        rate = 1000
        r = load(bench, p, rate)
        runs[rate] = r
        report(bench, "1,000 req/s", r, target=True)
        best = rate if held(r) else None
        while held(r) and rate < 256_000:
            rate *= 2
            r = load(bench, p, rate)
            runs[rate] = r
            if held(r):
                best = rate
        if best is not None:
            report(bench, f"highest rate holding p99 < {TARGET_P99_MS:g} ms: {best:,} req/s", runs[best])
        else:
            bench.add(11, "highest rate holding p99 < 10 ms", "none (1,000 req/s did not hold)", None, "", ok=False,
                      load=r["load1"])
    finally:
        p.stop()
    bench.scen[11] = {str(k): v for k, v in runs.items()}
