// deploy/Dockerfile cannot be built here (no Docker engine): check what can be checked without one —
// every path it copies from the context is in the repository and not ignored, runtime stages carry no build
// tools and run as a non-root user, the GPU base matches tfjs-node-gpu's CUDA/cuDNN, the tfjs native
// packages match the installed tfjs, and runtime code imports only production dependencies (the image
// installs `npm ci --omit=dev`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './helm.js';

interface Instruction { op: string; args: string; stage: string }

/** Instructions of a Dockerfile (continuation lines joined), each tagged with its stage name. */
function parseDockerfile(text: string): Instruction[] {
  const joined = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const out: Instruction[] = [];
  let stage = '';
  for (const line of joined) {
    const [, op, args] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    if (!op) continue;
    if (op.toUpperCase() === 'FROM') stage = /\sAS\s+(\S+)/i.exec(args)?.[1] ?? '';
    out.push({ op: op.toUpperCase(), args, stage });
  }
  return out;
}

/** Paths an instruction reads from the build context: COPY/ADD sources and RUN bind mounts (not --from=stage). */
function contextSources(instruction: Instruction): string[] {
  const words = instruction.args.split(/\s+/);
  if (instruction.op === 'RUN') {
    return words.filter((w) => w.startsWith('--mount=type=bind,') && !/[,=]from=/.test(w)).map((w) => /source=([^,]+)/.exec(w)?.[1] ?? '.');
  }
  if (instruction.op !== 'COPY' && instruction.op !== 'ADD') return [];
  if (words.some((w) => w.startsWith('--from='))) return [];
  return words.filter((w) => !w.startsWith('--')).slice(0, -1);
}

/** Whether .dockerignore excludes a file (the syntax used here: names, dirs, ** prefixes, * globs, ! exceptions; last match wins). */
function ignoreFile(text: string): (file: string) => boolean {
  const rules = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((line) => {
    const pattern = line.replace(/^!/, '').replace(/\/$/, '');
    const body = pattern.split('/').map((part) => (part === '**' ? '(?:.*/)?' : `${part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}/`)).join('');
    return { exclude: !line.startsWith('!'), re: new RegExp(`^${body.replace(/\/$/, '')}(?:/|$)`) };
  });
  return (file) => rules.reduce((excluded, rule) => (rule.re.test(file) ? rule.exclude : excluded), false);
}

const dockerfile = readFileSync(path.join(REPO_ROOT, 'deploy/Dockerfile'), 'utf8');
const instructions = parseDockerfile(dockerfile);
const isIgnored = ignoreFile(readFileSync(path.join(REPO_ROOT, 'deploy/Dockerfile.dockerignore'), 'utf8'));
const RUNTIME_STAGES = ['runtime-cpu', 'runtime-gpu'];

function trackedFiles(relative: string): string[] {
  return execFileSync('git', ['ls-files', '--', relative], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('deploy/Dockerfile', () => {
  it('reads from the context only paths that git tracks and the ignore file lets through', () => {
    const sources = instructions.flatMap(contextSources);
    assert.ok(sources.length >= 5, `expected the app and lock files among the COPY sources, got ${sources.join(' ')}`);
    for (const source of sources) {
      const relative = source.replace(/\/$/, '');
      const tracked = trackedFiles(relative);
      assert.ok(tracked.length > 0, `${source}: nothing under it is tracked by git, the build would fail in a clean clone`);
      const kept = tracked.filter((file) => !isIgnored(file));
      assert.ok(kept.length > 0, `${source}: every file under it is excluded by deploy/Dockerfile.dockerignore`);
    }
  });

  it('keeps tests, dev tooling and deploy/ out of the build context, but the scripts the stages run', () => {
    for (const file of ['services/runtime/serve.test.ts', 'node_modules/tsx/package.json', 'services/x/node_modules/y.js', '.git/HEAD', '.tools/bin/helm', 'charts/nnsuite/values.yaml', 'deploy/Dockerfile', 'test/charts/helm.ts', 'scripts/dev/start.ts', 'scripts/bench/gateway/main.ts', 'gateway/web/dist/index.html']) {
      assert.equal(isIgnored(file), true, `${file} should be ignored`);
    }
    for (const file of ['services/runtime/serve.ts', 'gateway/main.ts', 'gen/nnsuite/common/v1/job_pb.ts', 'package-lock.json', 'deploy/runtime-setup.sh', 'deploy/build-deps.sh', 'scripts/dev/build-web.ts', 'gateway/web/index.html']) {
      assert.equal(isIgnored(file), false, `${file} should be in the context`);
    }
  });

  it('has a CPU and a GPU runtime stage, both non-root and without build tools', () => {
    for (const stage of RUNTIME_STAGES) {
      const own = instructions.filter((i) => i.stage === stage);
      assert.ok(own.length > 0, `stage ${stage} missing`);
      for (const run of own.filter((i) => i.op === 'RUN')) {
        // A bind-mounted script runs in this stage too: check its text with the command line.
        const script = contextSources(run).map((source) => readFileSync(path.join(REPO_ROOT, source), 'utf8')).join('\n');
        assert.doesNotMatch(`${run.args}\n${script}`, /\b(g\+\+|gcc|make|build-essential|python3|node-gyp|npm (ci|install))\b/, `${stage} installs build tooling: ${run.args}`);
      }
      const user = own.filter((i) => i.op === 'USER').pop();
      assert.ok(user, `${stage} sets no USER (would run as root)`);
      assert.doesNotMatch(user.args, /^(root|0)(:|$)/, `${stage} runs as root`);
      // The chart's podSecurityContext.runAsUser is 10001: the image's user must be that one.
      assert.match(user.args, /^10001(:10001)?$/, `${stage}: USER ${user.args} differs from the chart's runAsUser 10001`);
    }
  });

  it('builds the GPU variant on CUDA 11 + cuDNN 8 with tfjs-node-gpu matching the installed tfjs', () => {
    const cudaImage = /ARG CUDA_IMAGE=(\S+)/.exec(dockerfile)?.[1] ?? '';
    // libtensorflow 2.9.1 (tfjs-node 4.x) is built against CUDA 11.2 / cuDNN 8.1: any CUDA 11.x runtime with cuDNN 8.
    assert.match(cudaImage, /^nvidia\/cuda:11\.\d+\.\d+-cudnn8-runtime-/, `GPU base ${cudaImage}`);
    assert.ok(instructions.some((i) => i.stage === 'runtime-gpu' && i.op === 'FROM' && i.args.startsWith('${CUDA_IMAGE}')));
    const tfjsArg = /ARG TFJS_VERSION=(\S+)/.exec(dockerfile)?.[1];
    const installedTfjs = JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules/@tensorflow/tfjs/package.json'), 'utf8')).version;
    assert.equal(tfjsArg, installedTfjs, 'tfjs-node(-gpu) must be the same version as @tensorflow/tfjs');
    assert.match(dockerfile, /build-deps\.sh "@tensorflow\/tfjs-node-gpu@\$\{TFJS_VERSION\}"/);
    assert.match(dockerfile, /build-deps\.sh "@tensorflow\/tfjs-node@\$\{TFJS_VERSION\}"/);
    const nodeMajor = /ARG NODE_VERSION=(\d+)\./.exec(dockerfile)?.[1];
    assert.equal(nodeMajor, process.versions.node.split('.')[0], 'image Node major differs from the one the suite is tested on');
  });

  it("ships the gateway's built web page where the gateway looks for it", () => {
    const gatewayMain = readFileSync(path.join(REPO_ROOT, 'gateway/main.ts'), 'utf8');
    assert.match(gatewayMain, /new URL\('\.\/web\/dist', import\.meta\.url\)/, 'gateway/main.ts no longer serves gateway/web/dist: update deploy/Dockerfile');
    assert.ok(instructions.some((i) => i.stage === 'app' && i.op === 'COPY' && /--from=web \/app\/gateway\/web\/dist \/app\/gateway\/web\/dist$/.test(i.args)));
    // Built the way the repository builds it (npm start does the same).
    assert.ok(instructions.some((i) => i.stage === 'web' && i.op === 'RUN' && i.args === 'npx tsx scripts/dev/build-web.ts'));
  });

  it('bakes the checkpoints in models/ into /app/models', () => {
    assert.ok(instructions.some((i) => i.stage === 'models' && i.op === 'RUN' && /--mount=type=bind,target=\/context\s.*cp -R \/context\/models\/\. \/models\//.test(i.args)));
    assert.ok(instructions.some((i) => i.stage === 'app' && i.op === 'COPY' && i.args === '--from=models /models /app/models'));
    const checkpoints = trackedFiles('models');
    for (const file of checkpoints) assert.equal(isIgnored(file), false, `${file} is kept out of the image by the ignore file`);
    if (checkpoints.length === 0) console.warn('      no checkpoints tracked under models/ yet: the image would need the models volume');
  });

  it('runtime code imports only production dependencies (the image omits devDependencies)', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    const production = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]);
    const optionalNative = new Set(['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']); // installed per image variant
    const offenders: string[] = [];
    for (const file of runtimeSources()) {
      // Type-only imports are erased by tsx and need nothing installed.
      const text = readFileSync(file, 'utf8').replace(/import\s+type\s[^;]*?from\s+['"][^'"]+['"]/g, '');
      for (const [, spec] of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+|require\(\s*)['"]([^'"./][^'"]*)['"]/g)) {
        if (spec.startsWith('node:')) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (!production.has(name) && !optionalNative.has(name)) offenders.push(`${path.relative(REPO_ROOT, file)}: ${name}`);
      }
    }
    assert.deepEqual(offenders, [], 'imported at runtime but not in package.json "dependencies"');
  });
});

/** Non-test sources run from the image: services/, gateway/, and the chart's helm test script. */
function runtimeSources(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) {
        if (entry !== 'node_modules' && entry !== 'test' && entry !== 'web') walk(full);
      } else if (/\.(ts|js|mjs|cjs)$/.test(entry) && !/\.test\.ts$/.test(entry) && !/testing\.ts$/.test(entry)) {
        files.push(full);
      }
    }
  };
  walk(path.join(REPO_ROOT, 'services'));
  walk(path.join(REPO_ROOT, 'gateway'));
  // The `helm test` script runs in the image against its node_modules.
  walk(path.join(REPO_ROOT, 'charts/nnsuite/files'));
  return files;
}
