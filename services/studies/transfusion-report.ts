// Artifacts of the Transfusion study: results.json, val-auc.svg (Vega-Lite convergence curves) and summary.md.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderSvg, type TopLevelSpec } from './vega-plot.js';
import type { TransfusionResult } from './transfusion.js';

const f3 = (v: number) => v.toFixed(3);

export function transfusionTable(r: TransfusionResult): string {
  const rows = ['| model | init | test AUC | steps to target val AUC | SVCCA before→after per block | SVCCA vs random per block |', '|---|---|---:|---:|---|---|'];
  for (const x of r.results) {
    rows.push(`| ${x.model} | ${x.init} | ${f3(x.testAuc)} | ${x.stepsToTargetAuc ?? '—'} | ${x.svccaBeforeAfter.map(f3).join(' / ')} | ${x.svccaVsRandom?.map(f3).join(' / ') ?? '—'} |`);
  }
  return rows.join('\n');
}

/** Vega-Lite spec: validation AUC during fine-tuning, one panel per model, one line per init, the target AUC as a rule. */
export function aucPlotSpec(r: TransfusionResult, targetAuc: number): TopLevelSpec {
  const values = r.results.flatMap((x) => x.valCurve.map((p) => ({ model: x.model, init: x.init, step: p.step, auc: p.value })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'PneumoniaMNIST validation AUC during fine-tuning',
    data: { values },
    facet: { column: { field: 'model', type: 'nominal', title: null } },
    spec: {
      width: 300, height: 240,
      layer: [
        {
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'step', type: 'quantitative', title: 'fine-tuning step' },
            y: { field: 'auc', type: 'quantitative', title: 'validation AUC', scale: { zero: false } },
            color: { field: 'init', type: 'nominal', title: 'init', sort: ['random', 'transfer', 'meanvar', 'gabor'] },
          },
        },
        { mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' }, encoding: { y: { datum: targetAuc } } },
      ],
    },
  } as TopLevelSpec;
}

export async function writeTransfusionArtifacts(dir: string, r: TransfusionResult, meta: { targetAuc: number } & Record<string, unknown>): Promise<void> {
  await writeFile(path.join(dir, 'results.json'), `${JSON.stringify({ ...meta, ...r }, null, 2)}\n`);
  await writeFile(path.join(dir, 'val-auc.svg'), await renderSvg(aucPlotSpec(r, meta.targetAuc)));
  const md = ['# Transfusion (Raghu et al. 2019) on PneumoniaMNIST', '',
    'The shared PneumoniaMNIST train split is a subsample (3,882 of the official 4,708 images); val and test are the official splits.', '',
    `Setup: ${JSON.stringify(meta)}`, '', `Pretraining accuracy (source task): ${JSON.stringify(r.pretrainAccuracy)}`, '',
    transfusionTable(r), '', '![validation AUC](val-auc.svg)', ''];
  await writeFile(path.join(dir, 'summary.md'), md.join('\n'));
}
