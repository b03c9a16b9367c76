"""Small SVG charts with the Python standard library only: line charts (several series, optional
log2 x axis, optional second y axis) and grouped bar charts. Used by flowbench.py."""

import html
import math

PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
W, H = 760, 420
ML, MR, MT, MB = 80, 80, 50, 90


def _nice_ticks(lo, hi, n=5):
    if hi <= lo:
        hi = lo + 1
    span = hi - lo
    raw = span / n
    mag = 10 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=raw)
    start = math.floor(lo / step) * step
    ticks = []
    v = start
    while v <= hi + step * 1e-9:
        ticks.append(round(v, 10))
        v += step
    return ticks


def _fmt(v):
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:g}M"
    if a >= 1e4:
        return f"{v / 1e3:g}k"
    if a == int(a):
        return str(int(v))
    return f"{v:.3g}"


def _text(x, y, s, size=12, anchor="middle", color="#222", rotate=None, weight="normal"):
    tr = f' transform="rotate({rotate} {x:.1f} {y:.1f})"' if rotate else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{color}" '
            f'font-weight="{weight}" font-family="sans-serif"{tr}>{html.escape(str(s))}</text>')


def _frame(title, subtitle, xlabel, ylabel, y2label=None):
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           _text(W / 2, 22, title, 15, weight="bold")]
    if subtitle:
        out.append(_text(W / 2, 40, subtitle, 11, color="#555"))
    out.append(_text(ML + (W - ML - MR) / 2, H - MB + 38, xlabel, 12))
    out.append(_text(18, MT + (H - MT - MB) / 2, ylabel, 12, rotate=-90))
    if y2label:
        out.append(_text(W - 14, MT + (H - MT - MB) / 2, y2label, 12, rotate=90))
    return out


def _legend(names, colors, dashed=()):
    out = []
    x, y = ML, H - 28
    for i, (name, color) in enumerate(zip(names, colors)):
        dash = ' stroke-dasharray="6 4"' if name in dashed else ""
        out.append(f'<line x1="{x}" y1="{y}" x2="{x + 22}" y2="{y}" stroke="{color}" stroke-width="3"{dash}/>')
        out.append(_text(x + 27, y + 4, name, 11, anchor="start"))
        x += 40 + 7 * len(name)
        if x > W - 150 and i < len(names) - 1:
            x, y = ML, y + 16
    return out


def line_chart(path, title, series, xlabel, ylabel, subtitle="", log2x=False, y2=None, y2label=None,
               ymin=None, dashed=()):
    """series: list of (name, [(x, y), ...]); y2: series drawn against a right-hand axis."""
    y2 = y2 or []
    pts = [p for _, s in series for p in s if p[1] is not None]
    pts2 = [p for _, s in y2 for p in s if p[1] is not None]
    allx = [p[0] for p in pts + pts2]
    if not allx:
        allx = [0, 1]
    fx = (lambda v: math.log2(v)) if log2x else (lambda v: v)
    x0, x1 = min(map(fx, allx)), max(map(fx, allx))
    if x1 == x0:
        x1 = x0 + 1
    ys = [p[1] for p in pts] or [0, 1]
    y0 = min(ys) if ymin is None else ymin
    y1 = max(ys) * 1.08 if max(ys) > 0 else 1
    if y0 > 0 and ymin is None:
        y0 = 0
    pw, ph = W - ML - MR, H - MT - MB
    sx = lambda v: ML + (fx(v) - x0) / (x1 - x0) * pw
    sy = lambda v: MT + ph - (v - y0) / (y1 - y0) * ph
    out = _frame(title, subtitle, xlabel, ylabel, y2label if y2 else None)
    for t in _nice_ticks(y0, y1):
        if y0 <= t <= y1:
            out.append(f'<line x1="{ML}" y1="{sy(t):.1f}" x2="{W - MR}" y2="{sy(t):.1f}" stroke="#e5e5e5"/>')
            out.append(_text(ML - 6, sy(t) + 4, _fmt(t), 11, anchor="end"))
    if log2x:
        xt = [2 ** k for k in range(int(math.floor(x0)), int(math.ceil(x1)) + 1)]
    else:
        xt = _nice_ticks(x0, x1, 8)
    for t in xt:
        if x0 - 1e-9 <= fx(t) <= x1 + 1e-9:
            out.append(f'<line x1="{sx(t):.1f}" y1="{MT + ph}" x2="{sx(t):.1f}" y2="{MT + ph + 5}" stroke="#444"/>')
            out.append(_text(sx(t), MT + ph + 18, _fmt(t), 11))
    out.append(f'<rect x="{ML}" y="{MT}" width="{pw}" height="{ph}" fill="none" stroke="#444"/>')
    names, colors = [], []
    for i, (name, s) in enumerate(series):
        color = PALETTE[i % len(PALETTE)]
        names.append(name)
        colors.append(color)
        out.extend(_polyline([(sx(x), sy(y)) for x, y in s if y is not None], color, name in dashed))
    if y2:
        ys2 = [p[1] for p in pts2] or [0, 1]
        z1 = max(ys2) * 1.08 if max(ys2) > 0 else 1
        sy2 = lambda v: MT + ph - v / z1 * ph
        for t in _nice_ticks(0, z1):
            if t <= z1:
                out.append(_text(W - MR + 6, sy2(t) + 4, _fmt(t), 11, anchor="start"))
        for j, (name, s) in enumerate(y2):
            color = PALETTE[(len(series) + j) % len(PALETTE)]
            names.append(name + " (right)")
            colors.append(color)
            out.extend(_polyline([(sx(x), sy2(y)) for x, y in s if y is not None], color, True))
        dashed = tuple(dashed) + tuple(n + " (right)" for n, _ in y2)
    out.extend(_legend(names, colors, dashed))
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def _polyline(points, color, dashed):
    if not points:
        return []
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    d = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    out = [f'<polyline points="{d}" fill="none" stroke="{color}" stroke-width="2"{dash}/>']
    if len(points) <= 40:
        out += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>' for x, y in points]
    return out


def bar_chart(path, title, groups, series_names, ylabel, subtitle="", reps=None, refs=None):
    """groups: list of (label, [value per series]); reps: same shape with lists of repetition values
    (drawn as dots); refs: list of (label, [reference per series or None]) drawn as dashes."""
    vals = [v for _, vs in groups for v in vs if v is not None]
    allv = vals + [r for _, rs in (refs or []) for r in rs if r is not None]
    allv += [x for _, rr in (reps or []) for r in rr for x in (r or [])]
    y1 = max(allv) * 1.1 if allv and max(allv) > 0 else 1
    pw, ph = W - ML - MR, H - MT - MB
    sy = lambda v: MT + ph - v / y1 * ph
    out = _frame(title, subtitle, "", ylabel)
    for t in _nice_ticks(0, y1):
        if t <= y1:
            out.append(f'<line x1="{ML}" y1="{sy(t):.1f}" x2="{W - MR}" y2="{sy(t):.1f}" stroke="#e5e5e5"/>')
            out.append(_text(ML - 6, sy(t) + 4, _fmt(t), 11, anchor="end"))
    ng, ns = len(groups), max(1, len(series_names))
    gw = pw / max(1, ng)
    bw = gw * 0.7 / ns
    for gi, (label, vs) in enumerate(groups):
        gx = ML + gi * gw + gw * 0.15
        out.append(_text(ML + gi * gw + gw / 2, MT + ph + 18, label, 11))
        for si, v in enumerate(vs):
            if v is None:
                continue
            x = gx + si * bw
            color = PALETTE[si % len(PALETTE)]
            out.append(f'<rect x="{x:.1f}" y="{sy(v):.1f}" width="{bw * 0.92:.1f}" height="{MT + ph - sy(v):.1f}" fill="{color}" opacity="0.85"/>')
            out.append(_text(x + bw * 0.46, sy(v) - 4, f"{v:,.0f}" if v >= 100 else f"{v:.3g}", 10))
            if reps:
                for r in (reps[gi][1][si] or []):
                    out.append(f'<circle cx="{x + bw * 0.46:.1f}" cy="{sy(r):.1f}" r="2.5" fill="#111"/>')
            if refs and refs[gi][1][si] is not None:
                ry = sy(refs[gi][1][si])
                out.append(f'<line x1="{x - 2:.1f}" y1="{ry:.1f}" x2="{x + bw * 0.92 + 2:.1f}" y2="{ry:.1f}" stroke="#000" stroke-width="2" stroke-dasharray="4 3"/>')
    out.append(f'<rect x="{ML}" y="{MT}" width="{pw}" height="{ph}" fill="none" stroke="#444"/>')
    names = list(series_names) + (["reference (dashed)"] if refs else []) + (["repetitions (dots)"] if reps else [])
    colors = [PALETTE[i % len(PALETTE)] for i in range(len(series_names))] + (["#000"] if refs else []) + (["#111"] if reps else [])
    out.extend(_legend(names, colors, ("reference (dashed)",)))
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
