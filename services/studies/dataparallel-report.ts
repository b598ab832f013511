// Artifacts of the data-parallel study: results.json, steps-vs-batch.svg (Vega-Lite, log-log, with the
// perfect-scaling line, the fitted three-regime line and its break points) and summary.md.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DataParallelResult } from './dataparallel.js';
import type { RegimeFit } from './regimes.js';
import { renderSvg, type TopLevelSpec } from './vega-plot.js';

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

/** Fitted log2 steps at log2 batch x: the continuous three-segment line of `fitRegimes`. */
function fittedLog2Steps(fit: RegimeFit, x: number): number {
  const [b1, b2] = fit.breaks, [s1, s2, s3] = fit.slopes;
  return fit.intercept + s1 * x + (s2 - s1) * Math.max(0, x - b1) + (s3 - s2) * Math.max(0, x - b2);
}

/** Vega-Lite spec: measured best steps (points + line), perfect scaling through each curve's smallest batch
 * (dashed), the fitted three-regime line (dotted) and its break points (rules), on log-log axes. */
export function stepsPlotSpec(r: DataParallelResult): TopLevelSpec {
  type Row = { optimizer: string; kind: string; batch: number; steps: number };
  const rows: Row[] = [], breaks: { optimizer: string; batch: number; label: string }[] = [];
  for (const c of r.curves) {
    const pts = c.points.filter((p) => p.steps !== null);
    for (const p of pts) rows.push({ optimizer: c.optimizer, kind: 'measured', batch: p.batchSize, steps: p.steps! });
    if (pts.length) for (const p of c.points) rows.push({ optimizer: c.optimizer, kind: 'perfect scaling', batch: p.batchSize, steps: (pts[0].steps! * pts[0].batchSize) / p.batchSize });
    if (!c.fit) continue;
    const xs = [Math.log2(pts[0].batchSize), ...c.fit.breaks, Math.log2(pts.at(-1)!.batchSize)];
    for (const x of xs) rows.push({ optimizer: c.optimizer, kind: 'three-regime fit', batch: 2 ** x, steps: 2 ** fittedLog2Steps(c.fit, x) });
    c.fit.breaks.forEach((b, i) => breaks.push({ optimizer: c.optimizer, batch: 2 ** b, label: `${c.optimizer} ${i ? 'plateau' : 'knee'}` }));
  }
  const x = { field: 'batch', type: 'quantitative', title: 'batch size', scale: { type: 'log', base: 2 }, axis: { tickCount: 8 } } as const;
  const color = { field: 'optimizer', type: 'nominal', title: 'optimizer' } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Best steps to target vs batch size',
    width: 520, height: 340,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', point: true },
        encoding: {
          x, color,
          y: { field: 'steps', type: 'quantitative', title: 'steps to target', scale: { type: 'log' } },
          strokeDash: { field: 'kind', type: 'nominal', title: 'curve', scale: { domain: ['measured', 'perfect scaling', 'three-regime fit'], range: [[1, 0], [6, 4], [2, 2]] } },
          detail: { field: 'kind' },
        },
      },
      {
        data: { values: breaks },
        mark: { type: 'rule', opacity: 0.5 },
        encoding: { x, color },
      },
    ],
  } as TopLevelSpec;
}

export async function writeDataParallelArtifacts(dir: string, r: DataParallelResult, meta: Record<string, unknown>): Promise<void> {
  await writeFile(path.join(dir, 'results.json'), `${JSON.stringify({ ...meta, ...r }, null, 2)}\n`);
  await writeFile(path.join(dir, 'steps-vs-batch.svg'), await renderSvg(stepsPlotSpec(r)));
  const md = ['# Data-parallel limits (Shallue et al. 2018)', '', `Setup: ${JSON.stringify(meta)}`, '', dataParallelTable(r), '', '## Regimes', ...regimeLines(r), '', '![steps vs batch size](steps-vs-batch.svg)', ''];
  await writeFile(path.join(dir, 'summary.md'), md.join('\n'));
}
