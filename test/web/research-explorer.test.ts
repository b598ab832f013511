// End to end in a real browser: the built Research Explorer page, served by the gateway, searching a
// retrieval service through it with connect-web. Debian's chromium driven by playwright-core.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { create } from '@bufbuild/protobuf';
import { chromium, type Browser, type Page } from 'playwright-core';
import { IngestDocumentsRequestSchema, RetrievalService, type IngestDocumentsResponse, type SearchResponse } from '../../gen/nnsuite/retrieval/v1/retrieval_pb.js';
import { createGateway } from '../../gateway/gateway.js';
import { buildWeb } from '../../scripts/dev/build-web.js';
import { RetrievalEngine } from '../../services/retrieval/retrieval-engine.js';
import { createRetrievalService } from '../../services/retrieval/service.js';
import { makeTestCorpus } from '../../services/retrieval/test-corpus.js';
import { serve, type RunningService } from '../../services/runtime/serve.js';
import { grpcClient, type GrpcTestClient } from '../../services/runtime/testing.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-results/', import.meta.url));
const method = (name: string) => RetrievalService.methods.find((m) => m.localName === name)!;

// Two documents a hostile corpus could hold: markup in the metadata and a script URL must stay inert text.
const HOSTILE = [
  {
    id: 'hostile-1',
    title: 'Remdesivir <img src=x onerror="window.__xss=1"> trial',
    text: 'Remdesivir binds the viral RNA polymerase. <script>window.__xss=2</script> Remdesivir shortened recovery.',
    authors: ['<b>Mallory</b>'],
    journal: 'Journal <i>X</i>',
    publishTime: '2021-05-04',
    url: 'javascript:window.__xss=3',
  },
];

describe('Research Explorer page (headless chromium, through the gateway)', function () {
  this.timeout(180_000);
  let tmp: string;
  let retrieval: RunningService;
  let gateway: RunningService;
  let client: GrpcTestClient;
  let browser: Browser;
  let origin: string;
  let webRoot: string;
  const corpus = makeTestCorpus(60, 7);

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`    skipped: ${CHROMIUM} is absent (apt-get install -y chromium; .ci/apt-packages.txt lists it)`);
      this.skip();
    }
    tmp = mkdtempSync(path.join(tmpdir(), 'nnsuite-web-'));
    webRoot = await buildWeb(path.join(tmp, 'web'));
    retrieval = await serve(createRetrievalService({ openEngine: (dir) => RetrievalEngine.open({ dir }) }), { port: 0, httpPort: 0, host: '127.0.0.1', dataDir: path.join(tmp, 'data') });
    await retrieval.ready;
    gateway = await serve(createGateway({ routes: [{ service: RetrievalService, address: `127.0.0.1:${retrieval.port}` }], webRoot }), { port: 0, httpPort: 0, host: '127.0.0.1' });
    await gateway.ready;
    origin = `http://127.0.0.1:${gateway.port}`;
    // Ingest through the gateway with a plain gRPC client (client streaming, which browsers cannot send).
    client = grpcClient(RetrievalService, `127.0.0.1:${gateway.port}`);
    const report = await new Promise<IngestDocumentsResponse>((resolve, reject) => {
      const call = client.clientStream(method('ingestDocuments'), undefined, (error, response) => (error ? reject(error) : resolve(response as IngestDocumentsResponse)));
      for (const d of [...corpus, ...HOSTILE]) {
        call.write(create(IngestDocumentsRequestSchema, { document: { id: d.id, text: d.text, metadata: { title: d.title, authors: d.authors, journal: d.journal, publishTime: d.publishTime, url: d.url } } }));
      }
      call.end();
    });
    assert.equal(Number(report.documentCount), corpus.length + HOSTILE.length);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    client?.close();
    await gateway?.close();
    await retrieval?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** A fresh page that records requests leaving the origin and any script error. */
  async function openPage(viewport: { width: number; height: number }, colorScheme: 'light' | 'dark' = 'light', at = origin): Promise<{ page: Page; foreign: string[]; errors: string[] }> {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1, colorScheme });
    const page = await context.newPage();
    const foreign: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => void (r.url().startsWith(at) || r.url().startsWith('data:') || foreign.push(r.url())));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    await page.goto(at + '/');
    return { page, foreign, errors };
  }

  const settled = (page: Page) => page.waitForFunction(() => !document.body.classList.contains('busy') && document.querySelector('#summary')!.textContent !== '');
  const shownIds = (page: Page) => page.$$eval('#result-list article', (cards) => cards.map((c) => (c as HTMLElement).dataset.docId!));
  const grpcSearch = (query: string, topK: number) => client.unary(method('search'), { query, topK }) as Promise<SearchResponse>;

  it('searches, shows cards with metadata and highlighted snippets, and narrows with follow-ups within the first results', async () => {
    const { page, foreign, errors } = await openPage({ width: 1280, height: 900 });
    assert.match(await page.textContent('#summary') ?? '', /Ask a question/);

    const question = 'remdesivir RNA polymerase';
    await page.fill('#query', question);
    await page.press('#query', 'Enter');
    await page.waitForSelector('#result-list article');
    await settled(page);

    // The cards are the service's answer, in its order.
    const expected = await grpcSearch(question, 10);
    const first = await shownIds(page);
    assert.deepEqual(first, expected.results.map((r) => r.id));
    assert.ok(first.length >= 3, `expected several results, got ${first.length}`);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'results-heading', 'focus moves to the results');

    for (const result of expected.results) {
      const card = page.locator(`article[data-doc-id="${result.id}"]`);
      const meta = result.metadata!;
      assert.equal(await card.locator('h3').textContent(), meta.title);
      const metaLine = (await card.locator('.card-meta').textContent()) ?? '';
      for (const part of [meta.authors[0]!, meta.journal, meta.publishTime]) assert.ok(metaLine.includes(part), `${result.id}: "${part}" missing from "${metaLine}"`);
      const links = await card.locator('h3 a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.deepEqual(links, result.id === 'hostile-1' ? [] : [meta.url]);
      // Each snippet is the service's text, its marks exactly the returned highlight offsets.
      const quotes = await card.locator('blockquote').evaluateAll((qs) => qs.map((q) => ({ text: q.textContent, marks: [...q.querySelectorAll('mark')].map((m) => m.textContent) })));
      assert.deepEqual(quotes, result.snippets.map((s) => ({ text: s.text, marks: s.highlights.map((h) => s.text.slice(h.start - s.start, h.end - s.start)) })));
    }
    const marks = await page.$$eval('#result-list mark', (ms) => ms.map((m) => m.textContent!.toLowerCase()));
    assert.ok(marks.includes('remdesivir') && marks.includes('rna'), `highlights: ${marks.join(', ')}`);

    // Hostile metadata is shown as text, runs nothing, and its script URL is not a link.
    assert.ok(first.includes('hostile-1'));
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    assert.equal(await page.locator('#result-list img, #result-list script, #result-list b, #result-list i').count(), 0);
    assert.match((await page.locator('article[data-doc-id="hostile-1"] .card-meta').textContent()) ?? '', /<b>Mallory<\/b>/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'research-explorer-desktop.png'), fullPage: true });

    // A follow-up whose own best matches lie outside the first results: the page shows only first-set papers.
    const followUp = 'vitamin D immune modulation';
    const global = await grpcSearch(followUp, 10);
    assert.ok(global.results.some((r) => !first.includes(r.id)), 'the corpus must hold matches outside the first set for this check to mean anything');
    await page.fill('#follow-up-question', followUp);
    await page.press('#follow-up-question', 'Enter');
    await page.waitForFunction(() => /re-ranked/.test(document.querySelector('#summary')!.textContent!) && !document.body.classList.contains('busy'));
    const narrowed = await shownIds(page);
    assert.ok(narrowed.length > 0 && narrowed.every((id) => first.includes(id)), `follow-up showed ${narrowed.join(', ')} outside ${first.join(', ')}`);
    await page.fill('#follow-up-question', 'hospitalised patients');
    await page.press('#follow-up-question', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('#trail li').length === 3 && !document.body.classList.contains('busy'));
    assert.deepEqual(await page.$$eval('#trail q', (qs) => qs.map((q) => q.textContent)), [question, followUp, 'hospitalised patients']);
    assert.ok((await shownIds(page)).every((id) => first.includes(id)));
    await page.screenshot({ path: path.join(ARTIFACTS, 'research-explorer-follow-up.png'), fullPage: true });

    assert.deepEqual(foreign, [], 'no request leaves the gateway (no CDN)');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('shows the error, empty and k states, and fits a phone screen', async () => {
    const { page, errors } = await openPage({ width: 390, height: 844 }, 'dark');
    // Bad input: the service's INVALID_ARGUMENT reason, in an alert.
    await page.fill('#query', '???');
    await page.press('#query', 'Enter');
    await page.waitForSelector('#error:not([hidden])');
    assert.match((await page.textContent('#error')) ?? '', /query: must contain a letter or digit/);
    assert.equal(await page.getAttribute('#error', 'role'), 'alert');

    // Nothing matches: the empty state, no follow-up box.
    await page.fill('#query', 'xylophone');
    await page.press('#query', 'Enter');
    await page.waitForFunction(() => /No papers match/.test(document.querySelector('#summary')!.textContent!));
    assert.equal(await page.isHidden('#error'), true);
    assert.equal(await page.isHidden('#follow-up'), true);
    assert.equal(await page.locator('#result-list article').count(), 0);

    // k by keyboard: Home puts the slider at k = 0, which the service reports back as the weight it used.
    await page.focus('#k');
    await page.keyboard.press('Home');
    assert.equal(await page.isChecked('#k-default'), false);
    assert.match((await page.textContent('#k-value')) ?? '', /k = 0 \(neural only\)/);
    // Loading: the Search call is held at the network until the page has shown its loading state.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/nnsuite.retrieval.v1.RetrievalService/Search', async (route) => {
      await held;
      await route.continue();
    });
    await page.fill('#query', 'interleukin-6 cytokine release');
    await page.press('#query', 'Enter');
    await page.waitForFunction(() => document.body.classList.contains('busy'));
    assert.match((await page.textContent('#summary')) ?? '', /Searching for “interleukin-6 cytokine release”/);
    assert.equal(await page.getAttribute('#result-list', 'aria-busy'), 'true');
    assert.equal(await page.isDisabled('#search-form button[type=submit]'), true);
    release();
    await page.waitForSelector('#result-list article');
    await settled(page);
    await page.unroute('**/nnsuite.retrieval.v1.RetrievalService/Search');
    assert.equal(await page.getAttribute('#result-list', 'aria-busy'), 'false');
    assert.match((await page.textContent('#summary')) ?? '', /k = 0 \(neural only\)/);
    await page.check('#k-default');
    await page.press('#query', 'Enter');
    await page.waitForFunction(() => /tuned default, k = 1\b/.test(document.querySelector('#k-value')!.textContent!));

    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone screen`);
    // What a phone shows first, and the cards further down.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(ARTIFACTS, 'research-explorer-phone.png') });
    await page.locator('#result-list li').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'research-explorer-phone-results.png') });
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
    await page.context().close();
  });

  it('asks for the bearer token of a gateway that wants one, and keeps it for the tab', async () => {
    const guarded = await serve(createGateway({ routes: [{ service: RetrievalService, address: `127.0.0.1:${retrieval.port}` }], webRoot, tokens: ['s3cret'] }), { port: 0, httpPort: 0, host: '127.0.0.1' });
    try {
      await guarded.ready;
      const { page } = await openPage({ width: 1024, height: 768 }, 'light', `http://127.0.0.1:${guarded.port}`);
      await page.fill('#query', 'BRCA1 DNA repair');
      await page.press('#query', 'Enter');
      await page.waitForSelector('#token-form:not([hidden])');
      assert.match((await page.textContent('#error')) ?? '', /needs an access token/);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'token', 'focus moves to the token field');
      await page.fill('#token', 'wrong');
      await page.press('#token', 'Enter');
      await page.waitForSelector('#token-form:not([hidden])');
      await page.fill('#token', 's3cret');
      await page.press('#token', 'Enter');
      await page.waitForSelector('#result-list article');
      await settled(page);
      assert.equal(await page.isHidden('#error'), true);
      // The token stays for the tab: a second search needs no prompt.
      await page.fill('#query', 'insulin glucose uptake');
      await page.press('#query', 'Enter');
      await page.waitForFunction(() => /insulin glucose uptake” \(k/.test(document.querySelector('#summary')!.textContent!));
      assert.equal(await page.isHidden('#token-form'), true);
      await page.context().close();
    } finally {
      await guarded.close();
    }
  });
});
