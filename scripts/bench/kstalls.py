"""Kernel threads that take a core away, and where in time the latency tail falls.

Scenario 5's tail on these machines comes from outside the pipeline: the kernel's DAMON thread
(kdamond, physical-address monitoring with a page-out scheme: the VM host's memory reclaim) wakes
every ~0.5 s and, on a kernel built without preemption (CONFIG_PREEMPT_NONE), keeps its core for
2-39 ms; the four JVMs share the other core meanwhile, and the map's event loop waits in the run
queue. `KernelBursts` records each such burst (CPU time from /proc/<tid>/schedstat, sampled every
10 ms: ~1-2 % of a core; the CPU per burst is exact, its start and end within 10 ms).
`LatencySlices` (opt-in, --latency-slices) scrapes the sink's latency histogram every 100 ms, so
the p99 can be told apart in slices with and without a burst.

Python 3 standard library only; both are threads that the scenario starts and stops.
"""
import os
import threading
import time

NAMES = ("kdamond",)  # kernel threads (children of kthreadd, pid 2) worth watching, by name prefix


def kernel_threads(prefixes=NAMES):
    """{pid: name} of kernel threads whose name starts with one of `prefixes`."""
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
            name = s[s.index("(") + 1:s.rindex(")")]
            ppid = int(s[s.rindex(")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if (ppid == 2 or d == "2") and name.startswith(prefixes):
            out[int(d)] = name
    return out


def schedstat(path):
    """(ns on a CPU, ns runnable but waiting for one) from a schedstat file: /proc/<pid>/schedstat
    or /proc/<pid>/task/<tid>/schedstat."""
    with open(path) as f:
        run, wait = f.read().split()[:2]
    return int(run), int(wait)


def _cpu_ns(pid):
    return schedstat(f"/proc/{pid}/schedstat")[0]


class KernelBursts(threading.Thread):
    """Bursts of CPU time of the watched kernel threads: [(start wall s, end wall s, cpu ms, name)],
    a burst being consecutive samples in which the thread's CPU time grew."""

    def __init__(self, period=0.01, prefixes=NAMES):
        super().__init__(daemon=True)
        self.period = period
        self.threads = kernel_threads(prefixes)
        self.bursts = []
        self.halt = threading.Event()

    def run(self):
        last = {}
        open_burst = {}  # pid -> (start wall, cpu ns at start)
        while not self.halt.is_set() and self.threads:
            now = time.time()
            for pid, name in list(self.threads.items()):
                try:
                    cpu = _cpu_ns(pid)
                except OSError:
                    self.threads.pop(pid)
                    continue
                prev = last.get(pid)
                last[pid] = (now, cpu)
                if prev is None:
                    continue
                if cpu > prev[1]:
                    open_burst.setdefault(pid, prev)
                elif pid in open_burst:
                    start = open_burst.pop(pid)
                    self.bursts.append((start[0], prev[0], (prev[1] - start[1]) / 1e6, name))
            self.halt.wait(self.period)
        for pid, start in open_burst.items():  # still running at the stop: up to the last sample
            end = last[pid]
            self.bursts.append((start[0], end[0], (end[1] - start[1]) / 1e6, self.threads.get(pid, "?")))

    def stop(self):
        self.halt.set()
        self.join(10)

    def summary(self, t0, t1, min_ms=2.0):
        """Bursts of at least `min_ms` CPU between wall times t0 and t1: count, CPU ms per second,
        the longest (ms of CPU) and the median time between them (s)."""
        sel = [b for b in self.bursts if t0 <= b[0] <= t1 and b[2] >= min_ms]
        starts = sorted(b[0] for b in sel)
        gaps = sorted(b - a for a, b in zip(starts, starts[1:]))
        return {"threads": sorted(set(self.threads.values())), "count": len(sel),
                "cpu_ms_per_s": sum(b[2] for b in sel) / max(1e-9, t1 - t0),
                "longest_ms": max((b[2] for b in sel), default=None),
                "period_s": gaps[len(gaps) // 2] if gaps else None}


def text(s):
    if not s["threads"]:
        return "no kdamond thread on this machine"
    if not s["count"]:
        return f"{', '.join(s['threads'])}: no burst of 2 ms or more"
    period = f", every {s['period_s']:.2f} s" if s["period_s"] else ""
    return (f"{', '.join(s['threads'])}: {s['count']} bursts of >= 2 ms CPU{period}, longest {s['longest_ms']:.1f} ms, "
            f"{s['cpu_ms_per_s']:.1f} ms CPU/s")


class LatencySlices(threading.Thread):
    """The sink's end-to-end latency histogram every `period` seconds: [(t0, t1, messages, over the
    last bucket under 10 ms (9.79 ms with Micrometer's buckets), {le: count in the slice})]."""

    def __init__(self, scrape, period=0.1):
        """`scrape()` returns the histogram buckets {le: cumulative count}."""
        super().__init__(daemon=True)
        self.scrape, self.period = scrape, period
        self.slices = []
        self.halt = threading.Event()

    def run(self):
        prev = None
        while not self.halt.is_set():
            try:
                h = self.scrape()
            except Exception:  # noqa: BLE001 - a failed scrape ends that slice only
                h = None
            now = time.time()
            if h and prev:
                d = {le: h.get(le, 0) - prev[1].get(le, 0) for le in h}
                les = sorted(d)
                total = d[les[-1]]
                upto10 = max((d[le] for le in les if le <= 0.0100001), default=0)
                self.slices.append((prev[0], now, total, total - upto10, d))
            if h:
                prev = (now, h)
            self.halt.wait(self.period)

    def stop(self):
        self.halt.set()
        self.join(10)

    def split(self, bursts, t0, t1, quantile, min_ms=2.0, after=0.03):
        """The slices between wall times t0 and t1 that hold a burst (or begin within `after` s of
        one's end: the backlog it left) and the others: {"burst": {slices, messages, over10, p99_ms},
        "other": {...}}, p99 from their buckets summed by `quantile(buckets, q)`."""
        bs = [b for b in bursts if b[2] >= min_ms]
        out = {k: {"slices": 0, "messages": 0, "over10": 0, "buckets": {}} for k in ("burst", "other")}
        for s0, s1, n, over, d in self.slices:
            if s0 < t0 or s1 > t1:
                continue
            g = out["burst" if any(b0 <= s1 and s0 <= b1 + after for b0, b1, _, _ in bs) else "other"]
            g["slices"] += 1
            g["messages"] += n
            g["over10"] += over
            for le, c in d.items():
                g["buckets"][le] = g["buckets"].get(le, 0) + c
        for g in out.values():
            q = quantile(g.pop("buckets"), 0.99) if g["messages"] else None
            g["p99_ms"] = q * 1000 if q is not None else None
        return out
