// Artifacts of the Transfusion study: results.json, val-auc.svg (convergence curves) and summary.md.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { lineChart } from './svg-plot.js';
import type { TransfusionResult } from './transfusion.js';

const f3 = (v: number) => v.toFixed(3);

export function transfusionTable(r: TransfusionResult): string {
  const rows = ['| model | init | test AUC | steps to target val AUC | SVCCA before→after per block | SVCCA vs random per block |', '|---|---|---:|---:|---|---|'];
  for (const x of r.results) {
    rows.push(`| ${x.model} | ${x.init} | ${f3(x.testAuc)} | ${x.stepsToTargetAuc ?? '—'} | ${x.svccaBeforeAfter.map(f3).join(' / ')} | ${x.svccaVsRandom?.map(f3).join(' / ') ?? '—'} |`);
  }
  return rows.join('\n');
}

export function aucPlot(r: TransfusionResult): string {
  return lineChart(r.results.map((x) => ({ label: `${x.model} ${x.init}`, points: x.valCurve.map((p) => ({ x: p.step, y: p.value })) })),
    { title: 'PneumoniaMNIST validation AUC during fine-tuning', xLabel: 'step', yLabel: 'validation AUC' });
}

export async function writeTransfusionArtifacts(dir: string, r: TransfusionResult, meta: Record<string, unknown>): Promise<void> {
  await writeFile(path.join(dir, 'results.json'), `${JSON.stringify({ ...meta, ...r }, null, 2)}\n`);
  await writeFile(path.join(dir, 'val-auc.svg'), aucPlot(r));
  const md = ['# Transfusion (Raghu et al. 2019) on PneumoniaMNIST', '',
    'The shared PneumoniaMNIST train split is a subsample (3,882 of the official 4,708 images); val and test are the official splits.', '',
    `Setup: ${JSON.stringify(meta)}`, '', `Pretraining accuracy (source task): ${JSON.stringify(r.pretrainAccuracy)}`, '',
    transfusionTable(r), '', '![validation AUC](val-auc.svg)', ''];
  await writeFile(path.join(dir, 'summary.md'), md.join('\n'));
}
