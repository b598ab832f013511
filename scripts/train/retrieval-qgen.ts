// Train the query generator (services/retrieval/query-generator.ts) on question→passage pairs: BioASQ
// questions with their gold snippets, and titles as pseudo-questions for abstracts (SciFact corpus, CORD-19
// sample). Sized to train on a shared 2-core CPU in ~20 minutes. Only corpora and BioASQ are read — never SciFact's queries or judgements.
//   npx tsx scripts/train/retrieval-qgen.ts [--scifact ../shared/data/scifact] [--cord19 ../shared/data/cord19-sample/metadata.csv]
//     [--bioasq ../shared/data/bioasq-sample/questions.json] [--out data/retrieval-train/query-generator] [--minutes 20] [--batch 64]
//     [--resume data/retrieval-train/query-generator]
import { readFileSync } from 'node:fs';
import { initBackend, tf } from '../../services/ml/backend.js';
import { parseCord19Metadata, readBeirCorpus } from '../../services/retrieval/corpus-readers.js';
import { QueryGenerator } from '../../services/retrieval/query-generator.js';
import { seededRandom } from '../../services/ml/seeded-random.js';
import { bioasqPairs, titlePairs, type QuestionPassage } from '../../services/retrieval/question-passage-pairs.js';
import { WordVocabulary } from '../../services/retrieval/word-vocabulary.js';
import { parseArgs } from './retrieval-args.js';

const args = parseArgs(process.argv.slice(2));
const scifact = args.get('scifact') ?? '../shared/data/scifact';
const cord19 = args.get('cord19') ?? '../shared/data/cord19-sample/metadata.csv';
const bioasq = args.get('bioasq') ?? '../shared/data/bioasq-sample/questions.json';
const out = args.get('out') ?? 'data/retrieval-train/query-generator';
const minutes = Number(args.get('minutes') ?? 20);
const maxSteps = Number(args.get('steps') ?? 1e9);
const batch = Number(args.get('batch') ?? 64);

const backend = await initBackend();
const corpus = readBeirCorpus(scifact).documents;
const cord = parseCord19Metadata(readFileSync(cord19, 'utf8')).documents;
const bio = bioasqPairs(bioasq);
// BioASQ pairs are the only real questions: repeat them so they are not drowned by ~6.7k title pairs.
const pairs: QuestionPassage[] = [...titlePairs(corpus), ...titlePairs(cord), ...Array.from({ length: 4 }, () => bio).flat()];
// --resume DIR continues training a saved generator (same data, vocabulary from the checkpoint).
const resume = args.get('resume');
const fresh = (vocab: WordVocabulary): QueryGenerator =>
  new QueryGenerator({ vocabSize: vocab.size, dModel: 64, heads: 4, ffn: 128, encoderLayers: 1, decoderLayers: 1, sourceLength: 64, targetLength: 16 }, vocab);
const model = resume ? QueryGenerator.load(resume) : fresh(WordVocabulary.build(pairs.flatMap((p) => [p.question, p.passage]), 4000));
const vocab = model.vocab;
const previousSteps = resume ? Number((JSON.parse(readFileSync(`${resume}/header.json`, 'utf8')) as { meta: { steps?: number } }).meta.steps ?? 0) : 0;
console.log(JSON.stringify({ msg: 'qgen data', backend, pairs: pairs.length, scifactTitles: corpus.length, cord19Titles: cord.length, bioasq: bio.length, vocab: vocab.size }));

const random = seededRandom(7);
const optimizer = tf.train.adam(2e-3);
const started = Date.now();
let step = 0;
let smoothed = 0;
while (step < maxSteps && Date.now() - started < minutes * 60_000) {
  const chosen = Array.from({ length: batch }, () => pairs[Math.floor(random() * pairs.length)]!);
  const cost = optimizer.minimize(() => model.loss(chosen.map((p) => p.passage), chosen.map((p) => p.question)), true, [...model.params.values()])!;
  const loss = (await cost.data())[0]!;
  cost.dispose();
  step++;
  smoothed = step === 1 ? loss : 0.98 * smoothed + 0.02 * loss;
  if (step % 25 === 0) console.log(JSON.stringify({ step, loss: +smoothed.toFixed(4), seconds: Math.round((Date.now() - started) / 1000) }));
}
model.save(out, { steps: previousSteps + step, trainLoss: smoothed, pairs: pairs.length, backend, minutes: (Date.now() - started) / 60_000 });
const sample = corpus.slice(0, 3);
const generated = model.generate(sample.map((d) => d.text), 2);
sample.forEach((d, i) => console.log(JSON.stringify({ title: d.title, generated: generated[i] })));
console.log(JSON.stringify({ msg: 'saved', out, steps: step, loss: smoothed }));
