// A small made-up biomedical corpus for tests (fixtures made by code, CONTRIBUTING.md): templated abstracts
// over a few topics, deterministic for a seed.
import { emptyDocument, type StoredDocument } from './document.js';
import { seededRandom } from '../ml/seeded-random.js';

const TOPICS = [
  ['ACE2', 'receptor binding of the SARS-CoV-2 spike protein', 'lung epithelial cells'],
  ['remdesivir', 'viral RNA polymerase inhibition', 'hospitalised COVID-19 patients'],
  ['interleukin-6', 'cytokine release syndrome', 'severe pneumonia'],
  ['vitamin D', 'immune modulation', 'respiratory infections'],
  ['myeloid-derived suppressor cells', 'myelodysplasia', 'bone marrow'],
  ['diffusion tensor imaging', 'white matter development', 'newborn brains'],
  ['BRCA1', 'DNA repair', 'breast cancer risk'],
  ['insulin', 'glucose uptake', 'skeletal muscle'],
];
const FINDINGS = ['increases', 'reduces', 'does not change', 'strongly predicts'];

export function makeTestCorpus(count: number, seed = 1): StoredDocument[] {
  const docs: StoredDocument[] = [];
  const random = seededRandom(seed);
  const next = (n: number): number => Math.floor(random() * n);
  for (let i = 0; i < count; i++) {
    const [agent, mechanism, setting] = TOPICS[next(TOPICS.length)]!;
    const [, other] = TOPICS[next(TOPICS.length)]!;
    const finding = FINDINGS[next(FINDINGS.length)]!;
    docs.push({
      ...emptyDocument(`doc-${i}`),
      title: `${agent} and ${mechanism} in ${setting} (study ${i})`,
      text:
        `Background: ${agent} has been linked to ${mechanism}. We studied ${10 + next(500)} cases of ${setting}.` +
        `Results: ${agent} ${finding} ${mechanism} (p = 0.0${1 + next(9)}). A secondary analysis examined ${other}. ` +
        `Conclusion: targeting ${agent} may help in ${setting}.`,
      authors: [`Author ${next(50)}`, `Author ${next(50)}`],
      journal: `Journal ${next(5)}`,
      publishTime: `202${next(4)}-0${1 + next(9)}-1${next(9)}`,
      url: `https://example.org/${i}`,
    });
  }
  return docs;
}
