// The Research Explorer page: ask a question, read ranked papers with highlighted answer snippets, narrow
// them with follow-up questions (the service re-ranks only the first search's documents), tune k.
import { Code, ConnectError } from '@connectrpc/connect';
import type { SearchResult } from '../../../gen/nnsuite/retrieval/v1/retrieval_pb.js';
import { resultCard, el } from './result-card.js';
import { describeError, retrievalClient } from './retrieval-client.js';
import { describeWeight, K_STEPS, nearestStep } from './term-weight.js';

// The gateway's bearer token, when it wants one: kept for this tab only.
const TOKEN_KEY = 'nnsuite-gateway-token';
const client = retrievalClient(location.origin, () => sessionStorage.getItem(TOKEN_KEY));

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const searchForm = $<HTMLFormElement>('search-form');
const query = $<HTMLInputElement>('query');
const topK = $<HTMLSelectElement>('top-k');
const kDefault = $<HTMLInputElement>('k-default');
const kSlider = $<HTMLInputElement>('k');
const kValue = $<HTMLOutputElement>('k-value');
const resultsHeading = $<HTMLHeadingElement>('results-heading');
const summary = $<HTMLParagraphElement>('summary');
const errorBox = $<HTMLParagraphElement>('error');
const followUp = $<HTMLDivElement>('follow-up');
const followUpForm = $<HTMLFormElement>('follow-up-form');
const followUpQuestion = $<HTMLInputElement>('follow-up-question');
const followUpCount = $<HTMLSpanElement>('follow-up-count');
const trail = $<HTMLOListElement>('trail');
const list = $<HTMLOListElement>('result-list');
const tokenForm = $<HTMLFormElement>('token-form');
const tokenInput = $<HTMLInputElement>('token');

/** The open follow-up session: the first search's documents and the questions asked so far. */
let session: { id: string; size: number; questions: string[] } | undefined;
/** k the service used for the last search when the tuned default was asked for. */
let defaultK: number | undefined;
let inFlight: AbortController | undefined;

function chosenK(): number | undefined {
  return kDefault.checked ? undefined : K_STEPS[Number(kSlider.value)];
}

function showWeight(): void {
  const k = chosenK();
  kValue.value = k === undefined ? (defaultK === undefined ? 'tuned default' : `tuned default, ${describeWeight(defaultK)}`) : describeWeight(k);
  kSlider.setAttribute('aria-valuetext', k === undefined ? kValue.value : describeWeight(k));
}

kSlider.addEventListener('input', () => {
  kDefault.checked = false;
  showWeight();
});
kDefault.addEventListener('change', showWeight);

/** Runs one call with the loading, error and result states; resolves to its answer, or undefined when it failed or was superseded. */
async function run<T extends { results: SearchResult[] }>(loadingText: string, call: (signal: AbortSignal) => Promise<T>, describe: (answer: T) => string): Promise<T | undefined> {
  inFlight?.abort();
  const controller = new AbortController();
  inFlight = controller;
  setBusy(true);
  errorBox.hidden = true;
  summary.textContent = loadingText;
  try {
    const answer = await call(controller.signal);
    if (controller.signal.aborted) return undefined;
    list.replaceChildren(...answer.results.map(resultCard));
    summary.textContent = describe(answer);
    resultsHeading.focus();
    return answer;
  } catch (error) {
    if (controller.signal.aborted) return undefined;
    summary.textContent = list.childElementCount > 0 ? 'Showing the previous results.' : 'No results to show.';
    errorBox.textContent = describeError(error);
    errorBox.hidden = false;
    if (ConnectError.from(error).code === Code.Unauthenticated) {
      sessionStorage.removeItem(TOKEN_KEY);
      tokenForm.hidden = false;
      tokenInput.focus();
    }
    return undefined;
  } finally {
    if (inFlight === controller) {
      inFlight = undefined;
      setBusy(false);
    }
  }
}

function setBusy(busy: boolean): void {
  document.body.classList.toggle('busy', busy);
  list.setAttribute('aria-busy', String(busy));
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[type=submit]')) button.disabled = busy;
}

searchForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const question = query.value.trim();
  session = undefined;
  followUp.hidden = true;
  list.replaceChildren();
  const out = await run(
    `Searching for “${question}”…`,
    (signal) => client.search({ query: question, topK: Number(topK.value), termWeight: chosenK() }, { signal }),
    (answer) =>
      answer.results.length === 0
        ? `No papers match “${question}”. Try other words, or move k toward neural to match by meaning.`
        : `${count(answer.results.length)} for “${question}” (${describeWeight(answer.termWeight)}).`,
  );
  if (!out) return;
  if (kDefault.checked) {
    defaultK = out.termWeight;
    kSlider.value = String(nearestStep(out.termWeight));
  }
  showWeight();
  if (out.results.length > 0) showFollowUp({ id: out.sessionId, size: out.results.length, questions: [question] });
});

followUpForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!session) return;
  const current = session;
  const question = followUpQuestion.value.trim();
  const out = await run(
    `Re-ranking the ${count(current.size)} for “${question}”…`,
    (signal) => client.followUp({ sessionId: current.id, question, topK: current.size, termWeight: chosenK() }, { signal }),
    (answer) => `${count(answer.results.length)} of the first search, re-ranked for “${question}”.`,
  );
  if (!out || session !== current) return;
  followUpQuestion.value = '';
  showFollowUp({ ...current, questions: [...current.questions, question] });
});

tokenForm.addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, tokenInput.value.trim());
  tokenInput.value = '';
  tokenForm.hidden = true;
  searchForm.requestSubmit();
});

function showFollowUp(next: NonNullable<typeof session>): void {
  session = next;
  followUpCount.textContent = count(next.size);
  trail.replaceChildren(
    ...next.questions.map((q, i) => {
      const item = el('li', undefined, el('span', 'trail-kind', i === 0 ? 'Search' : 'Follow-up'));
      item.append(el('q', undefined, q));
      if (i === next.questions.length - 1) item.setAttribute('aria-current', 'step');
      return item;
    }),
  );
  followUp.hidden = false;
}

function count(n: number): string {
  return n === 1 ? '1 paper' : `${n} papers`;
}

showWeight();
