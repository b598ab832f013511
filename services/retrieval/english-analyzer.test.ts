import assert from 'node:assert/strict';
import { analyze, analyzeWithOffsets, tokenize } from './english-analyzer.js';

describe('english analyzer (Lucene DefaultEnglishAnalyzer)', () => {
  it('splits words by UAX #29: decimals and thousands stay whole, hyphens split, letters+digits join', () => {
    assert.deepEqual(tokenize('SARS-CoV-2 binds ACE2; 3.5 mg, 1,000 cells e.g. here').map((t) => t.text), [
      'SARS', 'CoV', '2', 'binds', 'ACE2', '3.5', 'mg', '1,000', 'cells', 'e.g', 'here',
    ]);
  });

  it('ends a word at a full stop followed by a capital (sentences run together in abstracts)', () => {
    assert.deepEqual(tokenize('with disabilities.A line').map((t) => t.text), ['with', 'disabilities', 'A', 'line']);
    assert.deepEqual(tokenize("the patient's data").map((t) => t.text), ['the', "patient's", 'data']);
  });

  it('lowercases, removes possessives and the 33 stopwords, and Porter-stems', () => {
    assert.deepEqual(analyze("The patient's studies of ACE2 and SARS-CoV-2 were running"), ['patient', 'studi', 'ace2', 'sar', 'cov', '2', 'were', 'run']);
    assert.deepEqual(analyze('the and of to a an with will'), []);
  });

  it('keeps biomedical names searchable: the query side analyzes them to the document side terms', () => {
    const doc = new Set(analyze('Binding of SARS-CoV-2 spike to ACE2 receptors'));
    for (const q of ['SARS-CoV-2', 'sars cov 2', 'ACE2', 'ace2 receptor']) for (const t of analyze(q)) assert.ok(doc.has(t), `${q} → ${t}`);
  });

  it('reports the offsets of each term', () => {
    const text = 'Héllo wörld, ACE2 👍 cells';
    assert.deepEqual(analyzeWithOffsets(text).map((t) => text.slice(t.start, t.end)), ['Héllo', 'wörld', 'ACE2', 'cells']);
  });
});
