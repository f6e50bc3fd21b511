// Small hand-drawn SVG charts: a time series line with optional alert bands
// and marked points. No library; scales to its container's width.

const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs = {}, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function niceTicks(lo, hi, count = 4) {
  if (!(hi > lo)) return [lo];
  const step0 = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= step0) || step0;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) ticks.push(+v.toFixed(6));
  return ticks;
}

function fmtDate(t) {
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

// points: [{t: ms, v: number, mark?: bool}]
// options: {title, unit, bands: [{from, to, label, cls}], lines: [{v, label, cls}]}
export function lineChart(points, options = {}) {
  const W = 640, H = 220, L = 48, R = 12, T = 12, B = 28;
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img',
    'aria-label': options.title || 'chart' });
  const pts = points.filter((p) => Number.isFinite(p.v));
  if (pts.length === 0) {
    svg.appendChild(el('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'axis' }, 'No data'));
    return svg;
  }
  const t0 = Math.min(...pts.map((p) => p.t)), t1 = Math.max(...pts.map((p) => p.t));
  let lo = Math.min(...pts.map((p) => p.v)), hi = Math.max(...pts.map((p) => p.v));
  for (const l of options.lines || []) { lo = Math.min(lo, l.v); hi = Math.max(hi, l.v); }
  const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.1 || 1;
  lo -= pad; hi += pad;
  const x = (t) => L + (t1 > t0 ? (t - t0) / (t1 - t0) : 0.5) * (W - L - R);
  const y = (v) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);

  for (const b of options.bands || []) {
    const top = y(Math.min(hi, b.to ?? hi)), bottom = y(Math.max(lo, b.from ?? lo));
    if (bottom > top) svg.appendChild(el('rect', { x: L, y: top, width: W - L - R, height: bottom - top, class: `band ${b.cls || ''}` }));
  }
  for (const v of niceTicks(lo, hi)) {
    svg.appendChild(el('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid' }));
    svg.appendChild(el('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, String(v)));
  }
  const ticks = Math.min(4, pts.length);
  for (let i = 0; i < ticks; i++) {
    const t = t0 + (ticks > 1 ? (i / (ticks - 1)) * (t1 - t0) : 0);
    svg.appendChild(el('text', { x: x(t), y: H - 8, 'text-anchor': i === 0 ? 'start' : i === ticks - 1 ? 'end' : 'middle', class: 'axis' }, fmtDate(t)));
  }
  for (const l of options.lines || []) {
    svg.appendChild(el('line', { x1: L, x2: W - R, y1: y(l.v), y2: y(l.v), class: `limit ${l.cls || ''}` }));
    svg.appendChild(el('text', { x: W - R - 4, y: y(l.v) - 4, 'text-anchor': 'end', class: `axis ${l.cls || ''}` }, l.label));
  }
  const d = pts.map((p, i) => `${i ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join('');
  svg.appendChild(el('path', { d, class: 'series' }));
  for (const p of pts.filter((q) => q.mark)) {
    const c = el('circle', { cx: x(p.t), cy: y(p.v), r: 4, class: 'mark' });
    c.appendChild(el('title', {}, `${fmtDate(p.t)}: ${p.v}${options.unit ? ' ' + options.unit : ''}`));
    svg.appendChild(c);
  }
  return svg;
}

// A schematic map: farms placed by longitude/latitude in their bounding box.
// farms: [{code, name, latitude, longitude, biomass_kg, alerts, href}]
export function farmMap(farms) {
  const W = 640, H = 360, P = 40;
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: 'map', role: 'img', 'aria-label': 'Map of the farms' });
  if (!farms.length) return svg;
  const lons = farms.map((f) => f.longitude), lats = farms.map((f) => f.latitude);
  const [x0, x1] = [Math.min(...lons), Math.max(...lons)], [y0, y1] = [Math.min(...lats), Math.max(...lats)];
  const sx = (v) => P + (x1 > x0 ? (v - x0) / (x1 - x0) : 0.5) * (W - 2 * P);
  const sy = (v) => H - P - (y1 > y0 ? (v - y0) / (y1 - y0) : 0.5) * (H - 2 * P);
  const maxB = Math.max(1, ...farms.map((f) => f.biomass_kg));
  svg.appendChild(el('rect', { x: 1, y: 1, width: W - 2, height: H - 2, rx: 8, class: 'map-bg' }));
  for (const f of farms) {
    const a = el('a', { href: f.href });
    const r = 8 + 18 * Math.sqrt(f.biomass_kg / maxB);
    a.appendChild(el('circle', { cx: sx(f.longitude), cy: sy(f.latitude), r, class: f.alerts ? 'farm-dot alert' : 'farm-dot' }));
    a.appendChild(el('text', { x: sx(f.longitude), y: sy(f.latitude) - r - 4, 'text-anchor': 'middle', class: 'map-label' }, f.code));
    const title = el('title', {}, `${f.name}: ${Math.round(f.biomass_kg)} kg${f.alerts ? `, ${f.alerts} alerts` : ''}`);
    a.appendChild(title);
    svg.appendChild(a);
  }
  return svg;
}
