// SVG drawing of a network: inputs on the left, outputs on the right, hidden nodes in columns by their
// depth (longest path from an input); each node coloured and labelled by its activation.
import { topologicalOrder, type Activation, type Genome } from './genome.js';

const COLOURS: Record<Activation, string> = {
  linear: '#888', step: '#e41a1c', sin: '#377eb8', cos: '#4daf4a', gaussian: '#984ea3',
  tanh: '#ff7f00', sigmoid: '#a65628', inverse: '#f781bf', abs: '#999900', relu: '#17becf',
};

export function drawNetwork(g: Genome, title = ''): string {
  const depth = new Map<number, number>();
  const incoming = new Map<number, number[]>();
  for (const c of g.connections) if (c.enabled) incoming.set(c.to, [...(incoming.get(c.to) ?? []), c.from]);
  for (const id of topologicalOrder(g)) depth.set(id, Math.max(0, ...(incoming.get(id) ?? []).map((f) => depth.get(f)! + 1)));
  const kind = new Map(g.nodes.map((n) => [n.id, n.kind]));
  const maxHidden = Math.max(0, ...g.nodes.filter((n) => n.kind === 'hidden').map((n) => depth.get(n.id)!));
  const column = (id: number) => (kind.get(id) === 'input' || kind.get(id) === 'bias' ? 0 : kind.get(id) === 'output' ? maxHidden + 1 : depth.get(id)!);
  const columns = new Map<number, number[]>();
  for (const n of g.nodes) columns.set(column(n.id), [...(columns.get(column(n.id)) ?? []), n.id]);
  const tallest = Math.max(...[...columns.values()].map((c) => c.length));
  const height = Math.max(200, Math.min(4000, tallest * 8 + 60)), width = 200 + 120 * (maxHidden + 1);
  const pos = new Map<number, [number, number]>();
  for (const [col, ids] of columns) ids.forEach((id, i) => pos.set(id, [60 + (col * (width - 120)) / (maxHidden + 1), 40 + ((i + 0.5) * (height - 60)) / ids.length]));
  const edges = g.connections.filter((c) => c.enabled).map((c) => {
    const [x1, y1] = pos.get(c.from)!, [x2, y2] = pos.get(c.to)!;
    return `<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" stroke="#555" stroke-opacity="0.35"/>`;
  });
  const r = Math.max(2, Math.min(8, (height - 60) / tallest / 2.5));
  const nodes = g.nodes.map((n) => {
    const [x, y] = pos.get(n.id)!;
    const fill = n.kind === 'input' ? '#fff' : n.kind === 'bias' ? '#000' : COLOURS[n.activation];
    return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r.toFixed(1)}" fill="${fill}" stroke="#000" stroke-width="0.5"><title>${n.kind} ${n.id} ${n.activation}</title></circle>`;
  });
  const legend = Object.entries(COLOURS).map(([a, c], i) => `<rect x="${10 + i * 70}" y="8" width="10" height="10" fill="${c}"/><text x="${24 + i * 70}" y="17" font-size="10">${a}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.max(width, 720)}" height="${height + 20}" font-family="sans-serif">` +
    `<text x="10" y="${height + 14}" font-size="11">${title}</text>${legend.join('')}${edges.join('')}${nodes.join('')}</svg>\n`;
}
