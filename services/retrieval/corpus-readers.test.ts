import assert from 'node:assert/strict';
import { parseBeirCorpus, parseCord19Metadata } from './corpus-readers.js';

const HEADER = 'cord_uid,sha,source_x,title,doi,pmcid,pubmed_id,license,abstract,publish_time,authors,journal,mag_id,who_covidence_id,arxiv_id,pdf_json_files,pmc_json_files,url,s2_id';
const row = (uid: string, title: string, abstract: string, extra = ''): string =>
  `${uid},,PMC,${title},10.1/x${uid},,,cc-by,${abstract},2020-03-01,"Smith, J.; Doe, A.",Lancet${extra},,,,,,https://x.org/${uid}; https://y.org,`;

describe('corpus readers', () => {
  it('reads CORD-19 metadata.csv with quoted commas, quotes and newlines', () => {
    const csv = [HEADER, row('a1', '"ACE2, the receptor"', '"Line one.\nLine ""two""."'), row('b2', 'Plain title', '')].join('\n');
    const { documents, errors } = parseCord19Metadata(csv);
    assert.deepEqual(errors, []);
    assert.equal(documents.length, 2);
    assert.equal(documents[0]!.title, 'ACE2, the receptor');
    assert.equal(documents[0]!.text, 'Line one.\nLine "two".');
    assert.deepEqual(documents[0]!.authors, ['Smith, J.', 'Doe, A.']);
    assert.equal(documents[0]!.journal, 'Lancet');
    assert.equal(documents[0]!.url, 'https://x.org/a1');
    assert.equal(documents[1]!.doi, '10.1/xb2');
  });

  it('reports a malformed CORD-19 row with its row number and ingests the rest', () => {
    const csv = [HEADER, row('a1', 'One', 'Abstract one.'), row('bad', 'Two', 'Abstract two.', ',surplus'), row('', 'No id', 'x'), row('c3', 'Three', 'Abstract three.')].join('\n');
    const { documents, errors } = parseCord19Metadata(csv);
    assert.deepEqual(documents.map((d) => d.id), ['a1', 'c3']);
    assert.deepEqual(errors.map((e) => [e.row, e.id]), [[2, 'bad'], [3, '']]);
    assert.match(errors[0]!.reason, /expected 19 fields, found 20/);
    assert.match(errors[1]!.reason, /^id:/);
  });

  it('reports a missing CORD-19 column', () => {
    assert.match(parseCord19Metadata('title,abstract\nx,y').errors[0]!.reason, /missing column\(s\) cord_uid/);
  });

  it('reads BEIR corpus.jsonl, reporting bad lines by line number', () => {
    const jsonl = ['{"_id": "1", "title": "T", "text": "Body."}', '{not json', '{"_id": 7, "text": "Numeric id."}', '{"_id": "9", "title": "x"}'].join('\n');
    const { documents, errors } = parseBeirCorpus(jsonl);
    assert.deepEqual(documents.map((d) => [d.id, d.title, d.text]), [['1', 'T', 'Body.'], ['7', '', 'Numeric id.']]);
    assert.deepEqual(errors.map((e) => e.row), [2, 4]);
  });
});
