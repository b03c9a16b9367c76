// The Flowmesh console page: one EventSource on /events; each snapshot redraws the graph (laid out
// by the console) and, when a vertex is open (#vertex/NAME), refreshes its page from /api/vertices.
'use strict';
const SVG = 'http://www.w3.org/2000/svg';
let last = null;

function el(tag, attrs, parent) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

function num(v, digits) {
  if (v === null || v === undefined) return '–';
  const d = digits === undefined ? 0 : digits;
  if (Math.abs(v) >= 1e6) return (v / 1e6).toFixed(1) + 'M';
  if (Math.abs(v) >= 1e4) return (v / 1e3).toFixed(1) + 'k';
  return Number(v).toFixed(d);
}

function ms(v) {
  if (v === null || v === undefined) return '–';
  return v >= 1000 ? (v / 1000).toFixed(1) + ' s' : v.toFixed(1) + ' ms';
}

// p50, p90 and p99 with their unit once when they share it (p50 2.0 p90 15.4 p99 35.0 ms), else
// each with its own (p50 41.0ms p90 435.7ms p99 4.1s): short enough for a box.
function latencies(l) {
  const qs = [['p50', ms(l.p50)], ['p90', ms(l.p90)], ['p99', ms(l.p99)]];
  const units = new Set(qs.map(([, t]) => t.split(' ')[1]));
  if (units.size === 1 && !units.has(undefined)) return `${qs.map(([q, t]) => `${q} ${t.split(' ')[0]}`).join(' ')} ${[...units][0]}`;
  return qs.map(([q, t]) => `${q} ${t.replace(' ', '')}`).join(' ');
}

// A vertex's lines: {text, cls}; a reason or an error ({wrap: true}) may take several lines of its box.
function vertexLines(v) {
  const lines = [];
  lines.push({ text: `${v.kind || '?'} · ${v.up}/${v.replicas} up · ${v.ready ? 'ready' : 'not ready'}`, cls: 'kind' });
  if (v.state === 'down') {
    lines.push({ text: 'DOWN', cls: 'state-down' });
    (v.problems || []).forEach(p => lines.push({ text: p, cls: 'state-down', wrap: true }));
    return lines;
  }
  if (!v.ready && v.readyReason) lines.push({ text: v.readyReason, cls: 'kind', wrap: true });
  lines.push({ text: `in ${num(v.inRate, 1)}/s · out ${num(v.outRate, 1)}/s`, cls: 'rates' });
  if (v.inputCapacity) lines.push({ text: `input buffer ${num(v.inputBuffer)}/${num(v.inputCapacity)} · unacked ${num(v.inputUnacked)}` });
  if (v.outQueueCapacity) lines.push({ text: `out queue ${num(v.outQueue)}/${num(v.outQueueCapacity)} · unacked ${num(v.outUnacked)}` });
  if (v.concurrency) lines.push({ text: `in flight ${num(v.inFlight)}/${num(v.concurrency)} (${v.concurrencyMode || 'fixed'})` });
  if (v.latency) lines.push({ text: `${v.latency.of} ${latencies(v.latency)}` });
  let wm = `watermark lag ${v.lagMs === null || v.lagMs === undefined ? '–' : num(v.lagMs) + ' ms'}`;
  if (v.pending !== undefined) wm += ` · pending ${num(v.pending)}`;
  lines.push({ text: wm });
  lines.push({ text: `errors ${num(v.errors)} · retries ${num(v.retries)} · redelivered ${num(v.redelivered)}`,
    cls: v.errors > 0 ? 'err' : '' });
  return lines;
}

// Sets text element t to `text`, cut with '…' where it is wider than `width` (measured as drawn,
// so t must be on the page); the whole text (or `full`) is then its tooltip.
function fit(t, text, width, full) {
  t.textContent = text;
  if (t.getComputedTextLength() > width) {
    let lo = 0, hi = text.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      t.textContent = text.slice(0, mid) + '…';
      if (t.getComputedTextLength() <= width) lo = mid; else hi = mid - 1;
    }
    t.textContent = text.slice(0, lo).trimEnd() + '…';
    full = full || text;
  }
  if (full && full !== t.textContent) el('title', {}, t).textContent = full;
}

// `text` broken into lines no wider than `width` as `probe` (a text element on the page) draws
// them: between words, inside a word too long for a line; at most `max` lines, the last holding
// the rest (fit() cuts it).
function wrap(probe, text, width, max) {
  const fits = s => { probe.textContent = s; return probe.getComputedTextLength() <= width; };
  const lines = [];
  let line = '';
  for (let word of text.split(/\s+/).filter(w => w)) {
    if (lines.length === max - 1) { line = line ? `${line} ${word}` : word; continue; }
    const joined = line ? `${line} ${word}` : word;
    if (fits(joined)) { line = joined; continue; }
    if (line) lines.push(line);
    line = '';
    while (lines.length < max - 1 && !fits(word)) {
      let n = 1;
      while (n < word.length && fits(word.slice(0, n + 1))) n++;
      lines.push(word.slice(0, n));
      word = word.slice(n);
    }
    line = word;
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

// The lines of a vertex's box within `budget`: a reason or an error wraps over up to 3 lines
// while the box has room, the lines that do not wrap first.
function boxLines(g, lines, width, budget) {
  const wrapping = lines.filter(l => l.wrap).length;
  let room = budget - (lines.length - wrapping);
  let left = wrapping;
  const out = [];
  for (const l of lines) {
    if (!l.wrap) { out.push(l); continue; }
    left--;
    const probe = el('text', { class: l.cls || '' }, g);
    const max = Math.max(1, Math.min(3, room - left));
    const parts = wrap(probe, l.text, width, max);
    probe.remove();
    parts.forEach(p => out.push({ text: p, cls: l.cls, full: parts.length > 1 ? l.text : undefined }));
    room -= parts.length;
  }
  return out.slice(0, budget);
}

function drawGraph(s) {
  const svg = document.getElementById('graph');
  const L = s.layout;
  const pad = 30;
  const top = L.top || 0;
  svg.setAttribute('width', L.width + 2 * pad);
  svg.setAttribute('height', L.height - top + 2 * pad);
  svg.setAttribute('viewBox', `${-pad} ${top - pad} ${L.width + 2 * pad} ${L.height - top + 2 * pad}`);
  const gv = document.getElementById('vertices');
  const ge = document.getElementById('edges');
  gv.replaceChildren();
  ge.replaceChildren();
  const W = L.boxWidth, H = L.boxHeight;
  const labels = {};
  (L.labels || []).forEach(l => { labels[`${l.from}->${l.to}`] = l; });
  for (const e of s.edges) {
    const a = L.places[e.from], b = L.places[e.to];
    if (!a || !b) continue;
    const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2;
    const mx = (x1 + x2) / 2;
    const g = el('g', { class: `edge ${e.state}`, 'data-edge': `${e.from}->${e.to}`, 'data-state': e.state }, ge);
    el('path', { d: `M ${x1} ${y1} C ${mx} ${y1}, ${mx} ${y2}, ${x2 - 2} ${y2}`, 'marker-end': 'url(#arrow)' }, g);
    const label = labels[`${e.from}->${e.to}`];
    if (!label) continue;
    const texts = [];
    if (e.condition) texts.push({ text: `tags ${e.condition}`, cls: 'cond' });
    texts.push({ text: e.state === 'unknown' ? '' : `${num(e.rate, 1)}/s`, cls: 'rate' });
    texts.push({ text: e.state === 'unknown' ? '' : `credit ${num(e.credit)} · queued ${num(e.queued)}`, cls: 'credit' });
    texts.forEach((line, i) => {
      const t = el('text', { x: label.x, y: label.y + 10 + i * L.labelLine, 'text-anchor': 'middle', class: line.cls }, g);
      fit(t, line.text, L.labelWidth);
    });
  }
  const pad2 = 10, first = 38, step = 14.5;
  const budget = Math.floor((H - 6 - first) / step) + 1;
  for (const v of s.vertices) {
    const p = L.places[v.name];
    if (!p) continue;
    const cls = v.state === 'down' ? 'down' : v.ready ? 'up' : 'notready';
    const g = el('g', { class: `vertex ${cls}`, 'data-vertex': v.name, 'data-state': v.state,
      transform: `translate(${p.x},${p.y})` }, gv);
    el('rect', { width: W, height: H }, g);
    const title = el('text', { x: pad2, y: 20, class: 'title' }, g);
    fit(title, v.name, W - 2 * pad2);
    title.addEventListener('click', () => { location.hash = `#vertex/${encodeURIComponent(v.name)}`; });
    let y = first;
    for (const line of boxLines(g, vertexLines(v), W - 2 * pad2, budget)) {
      const t = el('text', { x: pad2, y, class: line.cls || '' }, g);
      fit(t, line.text, W - 2 * pad2, line.full);
      y += step;
    }
  }
}

function table(rows, head) {
  const t = document.createElement('table');
  if (head) {
    const tr = t.insertRow();
    head.forEach(h => { const th = document.createElement('th'); th.textContent = h; tr.appendChild(th); });
  }
  rows.forEach(r => {
    const tr = t.insertRow();
    r.forEach(c => {
      const td = tr.insertCell();
      if (c instanceof Node) td.appendChild(c); else td.textContent = c === null || c === undefined ? '' : String(c);
    });
  });
  return t;
}

function h3(text) {
  const h = document.createElement('h3');
  h.textContent = text;
  return h;
}

async function drawVertex(name) {
  const body = document.getElementById('vertex-body');
  document.getElementById('vertex-title').textContent = name;
  const r = await fetch(`/api/vertices/${encodeURIComponent(name)}`);
  const d = await r.json();
  if (!r.ok) { body.textContent = d.reason || `HTTP ${r.status}`; return; }
  document.getElementById('vertex-title').textContent = `${d.name} (${d.kind || '?'})`;
  const parts = [];
  parts.push(h3('Edges'));
  const edgeRows = d.edgesIn.map(e => ['in', e.from, e.condition || 'every message'])
    .concat(d.edgesOut.map(e => ['out', e.to, e.condition || 'every message']));
  parts.push(table(edgeRows, ['direction', 'vertex', 'condition']));
  for (const rep of d.replicas) {
    parts.push(h3(`Replica ${rep.address}: ${rep.up ? (rep.ready ? 'ready' : 'not ready: ' + (rep.readyReason || '')) : 'DOWN: ' + rep.error}`));
    const links = document.createElement('p');
    rep.links.forEach(u => { const a = document.createElement('a'); a.href = u; a.textContent = u.replace(/^https?:\/\/[^/]+/, ''); a.target = '_blank'; links.append(a, ' '); });
    parts.push(links);
    (rep.outEdges || []).forEach(oe => {
      parts.push(table((oe.subscribers || []).map(s => [s.subscriber, s.vertex, s.remote, s.credit, s.unacked, s.sent, s.acked]),
        [`subscribers of edge to ${oe.to || '(single edge)'}`, 'vertex', 'remote', 'credit', 'unacked', 'sent', 'acked']));
    });
    if (rep.config) {
      parts.push(table(Object.entries(rep.config).sort(), ['effective config (secrets masked)', 'value']));
    }
  }
  parts.push(h3('Last errors'));
  parts.push(d.lastErrors.length ? table(d.lastErrors.map(e => [e.time, e.text]), ['time', 'error']) : document.createTextNode('none seen'));
  body.replaceChildren(...parts);
}

function route() {
  const m = location.hash.match(/^#vertex\/(.+)$/);
  document.getElementById('graph-view').hidden = !!m;
  document.getElementById('vertex-view').hidden = !m;
  if (m) drawVertex(decodeURIComponent(m[1])).catch(e => { document.getElementById('vertex-body').textContent = String(e); });
  else if (last) drawGraph(last);
}

function connect() {
  const conn = document.getElementById('connection');
  const es = new EventSource('/events');
  es.onopen = () => { conn.textContent = 'live'; conn.className = 'conn live'; };
  es.onerror = () => { conn.textContent = 'console unreachable, retrying…'; conn.className = 'conn lost'; };
  es.addEventListener('snapshot', ev => {
    last = JSON.parse(ev.data);
    document.getElementById('pipeline').textContent = last.pipeline;
    document.title = `${last.pipeline} · Flowmesh console`;
    document.getElementById('updated').textContent = `updated ${new Date(last.time).toLocaleTimeString()}`;
    route();
  });
}

window.addEventListener('hashchange', route);
connect();
