#!/usr/bin/env python3
"""Aggregates a JFR recording by top frames: `jfr print --events jdk.ExecutionSample` (CPU samples,
self and inclusive) and `jdk.ObjectAllocationSample` (sampled allocation weight by class and by
allocating frame). Python 3 standard library only.

Usage: scripts/bench/jfr_top.py RECORDING.jfr [--top N] [--depth N]
"""

import argparse
import collections
import re
import subprocess
import sys

FRAME = re.compile(r"^\s+(\S.*?)\s+line:\s*\d+")


def events(path, name, depth):
    """Yields (fields, frames) per event from `jfr print` text."""
    out = subprocess.run(["jfr", "print", "--stack-depth", str(depth), "--events", name, path],
                         capture_output=True, text=True, check=True).stdout
    fields, frames, in_stack = {}, [], False
    for line in out.splitlines():
        s = line.strip()
        if s.startswith(name + " {") or s == name + " {":
            fields, frames, in_stack = {}, [], False
        elif s.startswith("stackTrace = ["):
            in_stack = True
        elif in_stack and s == "]":
            in_stack = False
        elif in_stack:
            m = FRAME.match(line)
            if m:
                frames.append(simplify(m.group(1)))
            elif s and s != "...":
                frames.append(simplify(s))
        elif s == "}":
            yield fields, frames
        elif " = " in s:
            k, v = s.split(" = ", 1)
            fields[k] = v


def simplify(frame):
    return re.sub(r"\(.*\)", "()", frame)


def weight_bytes(v):
    m = re.match(r"([0-9.]+)\s*(bytes|kB|KB|MB|GB)?", v)
    if not m:
        return 0
    mult = {"bytes": 1, None: 1, "kB": 1e3, "KB": 1024, "MB": 1 << 20, "GB": 1 << 30}[m.group(2)]
    return float(m.group(1)) * mult


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("recording")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--depth", type=int, default=48)
    a = ap.parse_args()

    self_c, incl_c, threads = collections.Counter(), collections.Counter(), collections.Counter()
    pkg_c = collections.Counter()
    n = 0
    for f, frames in events(a.recording, "jdk.ExecutionSample", a.depth):
        if not frames:
            continue
        n += 1
        self_c[frames[0]] += 1
        pkg_c[package(frames[0])] += 1
        for fr in set(frames):
            incl_c[fr] += 1
        threads[re.sub(r"\s*\(.*", "", f.get("sampledThread", "?")).strip('"')] += 1
    print(f"== {a.recording}: {n} execution samples (Java frames only; time in the kernel and in native code "
          f"outside the JVM is not sampled)")
    print("\n-- threads")
    for k, v in threads.most_common(10):
        print(f"{100 * v / max(1, n):6.1f}%  {k}")
    print("\n-- top frames (self)")
    for k, v in self_c.most_common(a.top):
        print(f"{100 * v / max(1, n):6.1f}%  {k}")
    print("\n-- self time by package of the top frame")
    for k, v in pkg_c.most_common(15):
        print(f"{100 * v / max(1, n):6.1f}%  {k}")
    print("\n-- inclusive (frame anywhere in the sampled stack)")
    for k, v in incl_c.most_common(a.top + 15):
        print(f"{100 * v / max(1, n):6.1f}%  {k}")

    by_class, by_frame, by_site = collections.Counter(), collections.Counter(), collections.Counter()
    total = 0.0
    for f, frames in events(a.recording, "jdk.ObjectAllocationSample", a.depth):
        w = weight_bytes(f.get("weight", "0"))
        total += w
        by_class[f.get("objectClass", "?").split(" (")[0]] += w
        if frames:
            by_frame[frames[0]] += w
            site = next((fr for fr in frames if fr.startswith("io.flowmesh")), frames[0])
            by_site[site] += w
    print(f"\n== allocation samples: total sampled weight {total / (1 << 20):,.0f} MiB")
    for title, c in (("by class", by_class), ("by allocating frame", by_frame),
                     ("by first io.flowmesh frame on the stack", by_site)):
        print(f"\n-- {title}")
        for k, v in c.most_common(a.top):
            print(f"{100 * v / max(1, total):6.1f}%  {v / (1 << 20):9.1f} MiB  {k}")


def package(frame):
    parts = frame.split("(")[0].split(".")
    return ".".join(parts[:4]) if len(parts) > 4 else ".".join(parts[:-2])


if __name__ == "__main__":
    sys.exit(main())
