// Word and character error rates computed the way jiwer 4.0 does (the convention most ASR papers and
// toolkits report): edits (S, D, I) against hits H from a unit-cost Levenshtein alignment, summed over all
// sentence pairs before taking ratios. WER = (S+D+I)/(H+S+D), MER = (S+D+I)/(H+S+D+I),
// WIP = (H/N_ref)(H/N_hyp), WIL = 1 − WIP (Morris et al. 2004); CER is WER over characters.

export interface EditCounts {
  hits: number;
  substitutions: number;
  deletions: number;
  insertions: number;
}

export interface WordMeasures extends EditCounts {
  wer: number;
  mer: number;
  wil: number;
  wip: number;
}

/**
 * `default`: one token list per sentence, sentence counts must match. `contiguous`: all sentences joined into
 * one (counts may differ). Neither lower-cases or strips punctuation.
 */
export type Transform = 'default' | 'contiguous';

type Text = string | readonly string[];

/** Word-level measures over a corpus (or a single sentence). */
export function wordMeasures(reference: Text, hypothesis: Text, transform: Transform = 'default'): WordMeasures {
  const words = (s: string) => s.replace(/\s\s+/g, ' ').trim().split(' ').filter((w) => w.length > 0);
  const prepare = (text: Text) =>
    transform === 'contiguous' ? [words(sentences(text).map((s) => s.replace(/\s\s+/g, ' ').trim()).filter((s) => s).join(' '))] : sentences(text).map(words);
  const counts = sumCounts(prepare(reference), prepare(hypothesis));
  return { ...counts, ...ratios(counts) };
}

/** Character error rate; spaces count as characters and are not collapsed (jiwer's `cer`). */
export function characterErrorRate(reference: Text, hypothesis: Text, transform: Transform = 'default'): number {
  const chars = (s: string) => [...s.trim()];
  const prepare = (text: Text) => (transform === 'contiguous' ? [chars(sentences(text).filter((s) => s).join(' '))] : sentences(text).map(chars));
  return ratios(sumCounts(prepare(reference), prepare(hypothesis))).wer;
}

/** Shorthand: corpus WER. */
export const wordErrorRate = (reference: Text, hypothesis: Text, transform: Transform = 'default') =>
  wordMeasures(reference, hypothesis, transform).wer;

function sentences(text: Text): string[] {
  return typeof text === 'string' ? [text] : [...text];
}

function sumCounts(refs: string[][], hyps: string[][]): EditCounts {
  if (refs.length !== hyps.length) {
    throw new RangeError(`reference has ${refs.length} sentences but hypothesis has ${hyps.length}`);
  }
  const total: EditCounts = { hits: 0, substitutions: 0, deletions: 0, insertions: 0 };
  refs.forEach((ref, i) => {
    const c = align(ref, hyps[i]);
    total.hits += c.hits;
    total.substitutions += c.substitutions;
    total.deletions += c.deletions;
    total.insertions += c.insertions;
  });
  return total;
}

function ratios({ hits: h, substitutions: s, deletions: d, insertions: i }: EditCounts) {
  const nRef = h + s + d;
  const nHyp = h + s + i;
  const errors = s + d + i;
  const wer = nRef === 0 ? i : errors / nRef;
  const mer = errors === 0 ? 0 : errors / (h + errors);
  const wip = nRef === 0 && nHyp === 0 ? 1 : nRef === 0 || nHyp === 0 ? 0 : (h / nRef) * (h / nHyp);
  return { wer, mer, wip, wil: 1 - wip };
}

/** Minimum-edit alignment; among equal-cost alignments, the one with the most hits. */
export function align(ref: readonly string[], hyp: readonly string[]): EditCounts {
  const cols = hyp.length + 1;
  // Each cell: cost, hits, and the edit kinds along the chosen path.
  const cell = (cost: number, c: EditCounts) => ({ cost, c });
  let prev = Array.from({ length: cols }, (_, j) => cell(j, { hits: 0, substitutions: 0, deletions: 0, insertions: j }));
  for (let i = 1; i <= ref.length; i++) {
    const row = [cell(i, { hits: 0, substitutions: 0, deletions: i, insertions: 0 })];
    for (let j = 1; j < cols; j++) {
      const same = ref[i - 1] === hyp[j - 1];
      const diag = prev[j - 1];
      const options = [
        cell(diag.cost + (same ? 0 : 1), { ...diag.c, hits: diag.c.hits + (same ? 1 : 0), substitutions: diag.c.substitutions + (same ? 0 : 1) }),
        cell(prev[j].cost + 1, { ...prev[j].c, deletions: prev[j].c.deletions + 1 }),
        cell(row[j - 1].cost + 1, { ...row[j - 1].c, insertions: row[j - 1].c.insertions + 1 }),
      ];
      row.push(options.reduce((a, b) => (b.cost < a.cost || (b.cost === a.cost && b.c.hits > a.c.hits) ? b : a)));
    }
    prev = row;
  }
  return prev[cols - 1].c;
}
