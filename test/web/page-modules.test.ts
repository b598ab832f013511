import assert from 'node:assert/strict';
import { Code, ConnectError } from '@connectrpc/connect';
import { highlightPieces } from '../../gateway/web/src/highlight.js';
import { link } from '../../gateway/web/src/result-card.js';
import { describeError } from '../../gateway/web/src/retrieval-client.js';
import { K_STEPS, nearestStep } from '../../gateway/web/src/term-weight.js';

const render = (pieces: ReturnType<typeof highlightPieces>): string => pieces.map((p) => (p.highlighted ? `[${p.text}]` : p.text)).join('');

describe('Research Explorer page modules', () => {
  // The snippet starts at offset 100 of the indexed text; highlights are offsets into the same text.
  const text = 'Remdesivir inhibits the viral RNA polymerase.';

  it('marks the spans relative to the snippet start and keeps every character once', () => {
    const pieces = highlightPieces(text, 100, [{ start: 130, end: 133 }, { start: 100, end: 110 }]);
    assert.equal(render(pieces), '[Remdesivir] inhibits the viral [RNA] polymerase.');
    assert.equal(pieces.map((p) => p.text).join(''), text);
  });

  it('merges overlapping and touching spans, clamps spans that stick out, drops empty and outside ones', () => {
    assert.equal(render(highlightPieces(text, 100, [{ start: 124, end: 129 }, { start: 126, end: 131 }, { start: 131, end: 133 }])), 'Remdesivir inhibits the [viral RNA] polymerase.');
    assert.equal(render(highlightPieces(text, 100, [{ start: 90, end: 104 }, { start: 140, end: 999 }])), '[Remd]esivir inhibits the viral RNA polyme[rase.]');
    assert.equal(render(highlightPieces(text, 100, [{ start: 105, end: 105 }, { start: 200, end: 210 }, { start: 10, end: 20 }, { start: 120, end: 110 }])), text);
  });

  it('counts in UTF-16 units, as the service does', () => {
    const accented = 'Über die Lunge 🫁 und ACE2';
    const at = accented.indexOf('ACE2');
    assert.equal(render(highlightPieces(accented, 0, [{ start: at, end: at + 4 }])), 'Über die Lunge 🫁 und [ACE2]');
  });

  it('links only http(s) URLs, else the DOI, else nothing', () => {
    const meta = (url: string, doi = '') => ({ url, doi, title: '', authors: [], journal: '', publishTime: '' }) as never;
    assert.equal(link(meta('https://example.org/a; https://example.org/b')), 'https://example.org/a');
    assert.equal(link(meta('javascript:alert(1)')), undefined);
    assert.equal(link(meta('javascript:alert(1)', '10.1000/xyz')), 'https://doi.org/10.1000/xyz');
    assert.equal(link(meta('', 'https://doi.org/10.1000/xyz')), 'https://doi.org/10.1000/xyz');
    assert.equal(link(meta('not a url')), undefined);
  });

  it('maps a k the service chose onto the nearest slider step', () => {
    assert.equal(K_STEPS[nearestStep(0.31)], 0.2);
    assert.equal(K_STEPS[nearestStep(0)], 0);
    assert.equal(K_STEPS[nearestStep(1e6)], 100);
  });

  it('turns statuses into sentences for the error state, keeping the service\'s reason', () => {
    assert.equal(describeError(new ConnectError('query: must contain a letter or digit', Code.InvalidArgument)), 'The question was not accepted: query: must contain a letter or digit.');
    assert.match(describeError(new ConnectError('session "s1" not found', Code.NotFound)), /session "s1" not found.*new search/);
    assert.match(describeError(new ConnectError('connect ECONNREFUSED', Code.Unavailable)), /not reachable/);
    assert.match(describeError(new TypeError('Failed to fetch')), /failed \(Unknown\): Failed to fetch/);
  });
});
