// The study's artifacts: results.json (the table and settings), summary.md, one PNG sample grid per variant;
// and the flat snake_case metrics the benchmark prints with --json.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StudyResult } from './study.js';

const NOTE = 'FID/KID use the penultimate features of a Fashion-MNIST CNN trained in the study — not Inception FID; compare only within this table.';

export function studyTable(r: StudyResult): string {
  const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)} %`);
  const lines = [
    '| variant | labels | FID ↓ | KID ×10³ ↓ | label-inference acc. | samples of the asked class | D loss | G loss | seconds |',
    '|---|---|---|---|---|---|---|---|---|',
    `| real data (train vs test) | — | ${r.realFid.toFixed(2)} | ${(1000 * r.realKid).toFixed(2)} | — | ${pct(r.featureClassifierAccuracy)} | — | — | — |`,
    ...r.variants.map((v) => `| ${v.name} | ${v.variant === 'unconditional' ? 'none' : v.labelFraction === null ? '100 %' : `${pct(v.labelFraction)} + inferred`} | ${v.fid.toFixed(2)} | ${(1000 * v.kid).toFixed(2)} ± ${(1000 * v.kidStd).toFixed(2)} | ${pct(v.labelAccuracy)} | ${pct(v.classAccuracy)} | ${v.lossD.toFixed(3)} | ${v.lossG.toFixed(3)} | ${v.seconds.toFixed(0)} |`),
  ];
  return lines.join('\n');
}

/** `fid_full_labels`, `fid_s3gan_10pct`, `kid_…`, `label_acc_10pct`, … as one flat object. */
export function flatMetrics(r: StudyResult): Record<string, number> {
  const out: Record<string, number> = { fid_real_data: r.realFid, kid_real_data: r.realKid, feature_classifier_acc: r.featureClassifierAccuracy };
  if (r.rotationAccuracy !== null) out.rotation_acc = r.rotationAccuracy;
  for (const v of r.variants) {
    const key = v.name.replace(/-/g, '_');
    out[`fid_${key}`] = v.fid;
    out[`kid_${key}`] = v.kid;
    if (v.labelFraction !== null && v.labelAccuracy !== null) out[`label_acc_${Math.round(100 * v.labelFraction)}pct`] = v.labelAccuracy;
    if (v.classAccuracy !== null) out[`class_acc_${key}`] = v.classAccuracy;
  }
  return out;
}

export function summaryMarkdown(r: StudyResult, settings: Record<string, unknown>): string {
  return [
    '# S3GAN study (GANs with fewer labels, Lučić et al. 2019) on Fashion-MNIST', '',
    studyTable(r), '',
    `Feature classifier test accuracy: ${(100 * r.featureClassifierAccuracy).toFixed(1)} %.` +
      (r.rotationAccuracy === null ? '' : ` Rotation-pretext accuracy of the label extractor (test images): ${(100 * r.rotationAccuracy).toFixed(1)} %.`), '',
    NOTE, '',
    'Sample grids: ' + r.variants.map((v) => `\`samples-${v.name}.png\``).join(', ') + ' (rows = classes for conditional variants).',
    '"Samples of the asked class": the feature classifier\'s accuracy on class-conditional samples (its test accuracy on real images in the real-data row).', '',
    '```json', JSON.stringify(settings, null, 2), '```', '',
  ].join('\n');
}

/** Write results.json, summary.md and samples-<variant>.png into `dir`; returns the file names. */
export async function writeStudyArtifacts(dir: string, r: StudyResult, settings: Record<string, unknown>): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const grids = await Promise.all(r.variants.map(async (v) => {
    await writeFile(join(dir, `samples-${v.name}.png`), v.grid);
    return `samples-${v.name}.png`;
  }));
  const table = { ...r, variants: r.variants.map(({ grid: _g, ...rest }) => rest), metrics: flatMetrics(r), note: NOTE, settings };
  await writeFile(join(dir, 'results.json'), JSON.stringify(table, null, 2));
  await writeFile(join(dir, 'summary.md'), summaryMarkdown(r, settings));
  return ['results.json', 'summary.md', ...grids];
}
