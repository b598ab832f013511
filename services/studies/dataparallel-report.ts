// Artifacts of the data-parallel study: results.json, steps-vs-batch.svg (log-log, with the perfect-scaling
// line through each curve's smallest batch size and the fitted break points) and summary.md.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DataParallelResult } from './dataparallel.js';
import { lineChart, type Series } from './svg-plot.js';

export function dataParallelTable(r: DataParallelResult): string {
  const rows = ['| optimizer | batch size | best steps to target | learning rate | momentum |', '|---|---:|---:|---:|---:|'];
  for (const c of r.curves) {
    for (const p of c.points) rows.push(`| ${c.optimizer} | ${p.batchSize} | ${p.steps ?? '—'} | ${p.learningRate?.toPrecision(3) ?? '—'} | ${p.momentum?.toPrecision(3) ?? '—'} |`);
  }
  return rows.join('\n');
}

export function regimeLines(r: DataParallelResult): string[] {
  return r.curves.map((c) => c.fit
    ? `- ${c.optimizer}: perfect-scaling slope ${c.fit.slopes[0].toFixed(2)} up to B ≈ ${(2 ** c.fit.breaks[0]).toFixed(0)}, then slope ${c.fit.slopes[1].toFixed(2)} (diminishing returns) up to B ≈ ${(2 ** c.fit.breaks[1]).toFixed(0)}, then ${c.fit.slopes[2].toFixed(2)} (maximal data parallelism); max useful batch ${c.fit.maxUsefulBatch}, fit RMSE ${c.fit.rmse.toFixed(2)} log2-steps`
    : `- ${c.optimizer}: fewer than 4 batch sizes reached the target; no regime fit`);
}

export function stepsPlot(r: DataParallelResult): string {
  const series: Series[] = [];
  for (const c of r.curves) {
    const pts = c.points.filter((p) => p.steps !== null).map((p) => ({ x: p.batchSize, y: p.steps! }));
    series.push({ label: c.optimizer, points: pts });
    if (pts.length) series.push({ label: `${c.optimizer}: perfect scaling`, dashed: true, points: c.points.map((p) => ({ x: p.batchSize, y: (pts[0].y * pts[0].x) / p.batchSize })) });
  }
  const verticals = r.curves.flatMap((c) => (c.fit ? c.fit.breaks.map((b, i) => ({ x: 2 ** b, label: `${c.optimizer} ${i ? 'plateau' : 'knee'}` })) : []));
  return lineChart(series, { title: 'Steps to target vs batch size', xLabel: 'batch size', yLabel: 'steps to target', logX: true, logY: true, verticals });
}

export async function writeDataParallelArtifacts(dir: string, r: DataParallelResult, meta: Record<string, unknown>): Promise<void> {
  await writeFile(path.join(dir, 'results.json'), `${JSON.stringify({ ...meta, ...r }, null, 2)}\n`);
  await writeFile(path.join(dir, 'steps-vs-batch.svg'), stepsPlot(r));
  const md = ['# Data-parallel limits (Shallue et al. 2018)', '', `Setup: ${JSON.stringify(meta)}`, '', dataParallelTable(r), '', '## Regimes', ...regimeLines(r), '', '![steps vs batch size](steps-vs-batch.svg)', ''];
  await writeFile(path.join(dir, 'summary.md'), md.join('\n'));
}
