// Minimal SVG line charts (no charting library is installed here; vega-lite would need a headless renderer):
// log-log or linear axes, one polyline with markers per series, optional dashed reference line and legend.

export interface Series {
  label: string;
  points: { x: number; y: number }[];
  dashed?: boolean;
}

export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  logY?: boolean;
  /** Vertical markers, e.g. fitted break points. */
  verticals?: { x: number; label: string }[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#7f7f7f'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function lineChart(series: Series[], o: PlotOptions): string {
  const W = 640, H = 420, L = 70, R = 170, T = 40, B = 50;
  const fx = (v: number) => (o.logX ? Math.log10(v) : v), fy = (v: number) => (o.logY ? Math.log10(v) : v);
  const all = series.flatMap((s) => s.points).filter((p) => Number.isFinite(fx(p.x)) && Number.isFinite(fy(p.y)));
  const xs = all.map((p) => fx(p.x)), ys = all.map((p) => fy(p.y));
  const [x0, x1] = [Math.min(...xs), Math.max(...xs) + 1e-9], [y0, y1] = [Math.min(...ys), Math.max(...ys) + 1e-9];
  const px = (v: number) => L + ((fx(v) - x0) / (x1 - x0)) * (W - L - R), py = (v: number) => H - B - ((fy(v) - y0) / (y1 - y0)) * (H - T - B);
  const ticks = (lo: number, hi: number, log?: boolean) => (log ? Array.from({ length: Math.floor(hi) - Math.ceil(lo) + 1 }, (_, i) => 10 ** (Math.ceil(lo) + i)) : Array.from({ length: 5 }, (_, i) => lo + ((hi - lo) * i) / 4));
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`, `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(o.title)}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/>`, `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
    `<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">${esc(o.xLabel)}</text>`,
    `<text transform="translate(16 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`];
  for (const t of ticks(x0, x1, o.logX)) parts.push(`<text x="${px(t).toFixed(1)}" y="${H - B + 16}" text-anchor="middle">${+t.toPrecision(3)}</text>`);
  for (const t of ticks(y0, y1, o.logY)) parts.push(`<text x="${L - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end">${+t.toPrecision(3)}</text>`);
  for (const v of o.verticals ?? []) {
    parts.push(`<line x1="${px(v.x).toFixed(1)}" y1="${T}" x2="${px(v.x).toFixed(1)}" y2="${H - B}" stroke="#999" stroke-dasharray="2 3"/>`,
      `<text x="${(px(v.x) + 3).toFixed(1)}" y="${T + 12}" fill="#666">${esc(v.label)}</text>`);
  }
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const pts = s.points.filter((p) => Number.isFinite(fx(p.x)) && Number.isFinite(fy(p.y)));
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''} points="${pts.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ')}"/>`);
    if (!s.dashed) for (const p of pts) parts.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="3" fill="${color}"/>`);
    parts.push(`<line x1="${W - R + 10}" y1="${T + 10 + i * 18}" x2="${W - R + 30}" y2="${T + 10 + i * 18}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${W - R + 36}" y="${T + 14 + i * 18}">${esc(s.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
