import assert from 'node:assert/strict';
import { analyze } from './english-analyzer.js';
import { splitSentences } from './sentence-splitter.js';
import { selectSnippets } from './snippets.js';

const TEXT = 'ACE2 and the spike.\nThe virus enters cells.Binding of SARS-CoV-2 spike protein to ACE2 is strong (e.g. Smith et al. 2020). Unrelated sentence here.';

describe('sentences and snippets', () => {
  it('splits sentences at full stops, run-on sentences and newlines, but not at abbreviations', () => {
    assert.deepEqual(splitSentences(TEXT).map((s) => TEXT.slice(s.start, s.end)), [
      'ACE2 and the spike.',
      'The virus enters cells.',
      'Binding of SARS-CoV-2 spike protein to ACE2 is strong (e.g. Smith et al. 2020).',
      'Unrelated sentence here.',
    ]);
  });

  it('picks the sentences with the most query weight, with offsets and highlights that point at the text', () => {
    const terms = analyze('Does SARS-CoV-2 spike bind ACE2?');
    const snippets = selectSnippets(TEXT, terms, () => 1, 2);
    assert.equal(snippets[0]!.text, TEXT.slice(snippets[0]!.start, snippets[0]!.end));
    assert.match(snippets[0]!.text, /^Binding of SARS-CoV-2/);
    assert.deepEqual(new Set(snippets[0]!.matchedTerms), new Set(['bind', 'sar', 'cov', '2', 'spike', 'ace2']));
    assert.deepEqual(snippets[0]!.highlights.map((h) => TEXT.slice(h.start, h.end)), ['Binding', 'SARS', 'CoV', '2', 'spike', 'ACE2']);
    assert.equal(snippets[1]!.text, 'ACE2 and the spike.');
    for (const s of snippets) for (const h of s.highlights) assert.ok(h.start >= s.start && h.end <= s.end);
  });

  it('falls back to the opening sentences when nothing matches', () => {
    assert.deepEqual(selectSnippets(TEXT, ['zebrafish'], () => 1, 1).map((s) => [s.start, s.matchedTerms.length]), [[0, 0]]);
  });
});
