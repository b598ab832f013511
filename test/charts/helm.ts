// Runs the real Helm against charts/nnsuite. Helm comes from scripts/dev/install-helm.sh (a pinned
// `go install` into .tools/bin); suites skip with a message only when it cannot be installed.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHART_DIR = path.join(REPO_ROOT, 'charts/nnsuite');
export const PROFILES = {
  default: [] as string[],
  cpu: [path.join(CHART_DIR, 'ci/cpu-values.yaml')],
  gpu: [path.join(CHART_DIR, 'ci/gpu-values.yaml')],
};
export type ProfileName = keyof typeof PROFILES;
export const RELEASE = 'nns';
export const NAMESPACE = 'ml';

/** A rendered Kubernetes object (loosely typed: the tests walk the YAML Helm produced). */
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [key: string]: any };

let helmPath: Promise<string | undefined> | undefined;

/**
 * Path of the pinned helm: NNSUITE_HELM when scripts/dev/test.sh already installed it, else installed on first
 * use by scripts/dev/install-helm.sh; undefined (with the reason logged) if that fails.
 */
export function findHelm(): Promise<string | undefined> {
  const given = process.env.NNSUITE_HELM;
  if (given && existsSync(given)) return Promise.resolve(given);
  helmPath ??= run('bash', [path.join(REPO_ROOT, 'scripts/dev/install-helm.sh')], { cwd: REPO_ROOT, maxBuffer: 16 << 20 })
    .then(({ stdout }) => stdout.trim().split('\n').pop())
    .catch((error: Error & { stderr?: string }) => {
      console.warn(`      helm could not be installed (scripts/dev/install-helm.sh): ${error.stderr?.trim().split('\n').slice(-3).join(' | ') || error.message}`);
      return undefined;
    });
  return helmPath;
}

/** A suite's before-hook: the helm binary, or the suite skipped saying why (only when helm cannot be installed). */
export async function helmOrSkip(ctx: Mocha.Context): Promise<string> {
  ctx.timeout(20 * 60_000); // the first run builds helm with `go install`
  const found = await findHelm();
  if (!found) {
    console.warn('      skipping: helm is not available');
    ctx.skip();
  }
  return found as string;
}

let profiles: Promise<Record<ProfileName, K8sObject[]>> | undefined;

/** `helm template` of the default values and each ci/ profile, rendered once per test process. */
export function renderProfiles(helmBin: string): Promise<Record<ProfileName, K8sObject[]>> {
  profiles ??= (async () => {
    const out = {} as Record<ProfileName, K8sObject[]>;
    for (const profile of Object.keys(PROFILES) as ProfileName[]) out[profile] = await renderChart(helmBin, PROFILES[profile]);
    return out;
  })();
  return profiles;
}

export interface HelmResult { code: number; stdout: string; stderr: string }

/** Run helm with arguments; resolves with the exit code instead of throwing. */
export async function helm(helmBin: string, args: string[]): Promise<HelmResult> {
  try {
    const { stdout, stderr } = await run(helmBin, args, { cwd: REPO_ROOT, maxBuffer: 64 << 20, env: { ...process.env, HELM_CACHE_HOME: path.join(REPO_ROOT, '.tools/helm/cache'), HELM_CONFIG_HOME: path.join(REPO_ROOT, '.tools/helm/config'), HELM_DATA_HOME: path.join(REPO_ROOT, '.tools/helm/data') } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as Error & { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? e.message };
  }
}

/** `helm template` of the chart with value files and --set pairs; throws with helm's message on failure. */
export async function renderChart(helmBin: string, valueFiles: string[] = [], set: string[] = []): Promise<K8sObject[]> {
  const args = ['template', RELEASE, CHART_DIR, '--namespace', NAMESPACE, ...valueFiles.flatMap((f) => ['-f', f]), ...set.flatMap((s) => ['--set', s])];
  const result = await helm(helmBin, args);
  if (result.code !== 0) throw new Error(`helm ${args.join(' ')} failed:\n${result.stderr}`);
  return parseManifests(result.stdout);
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors[0].message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((obj): obj is K8sObject => obj != null);
}

export function byKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

export function component(obj: K8sObject): string | undefined {
  return obj.metadata.labels?.['app.kubernetes.io/component'];
}

/**
 * NOTES.txt as `helm install` would print it. `helm template` skips NOTES.txt, and `install --dry-run` needs a
 * cluster, so render a copy of the chart in which NOTES.txt is an ordinary template.
 */
export async function renderNotes(helmBin: string, valueFiles: string[] = []): Promise<string> {
  const copy = mkdtempSync(path.join(os.tmpdir(), 'nnsuite-notes-'));
  try {
    cpSync(CHART_DIR, copy, { recursive: true });
    const notes = readFileSync(path.join(copy, 'templates/NOTES.txt'), 'utf8');
    rmSync(path.join(copy, 'templates/NOTES.txt'));
    writeFileSync(path.join(copy, 'templates/_notes.tpl'), `{{- define "test.notes" -}}\n${notes}{{- end -}}\n`);
    writeFileSync(path.join(copy, 'templates/notes.yaml'), 'notes: {{ include "test.notes" . | toJson }}\n');
    const args = ['template', RELEASE, copy, '--namespace', NAMESPACE, '--show-only', 'templates/notes.yaml', ...valueFiles.flatMap((f) => ['-f', f])];
    const result = await helm(helmBin, args);
    if (result.code !== 0) throw new Error(`NOTES.txt does not render:\n${result.stderr}`);
    return (parseManifests(result.stdout)[0] as unknown as { notes: string }).notes;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
