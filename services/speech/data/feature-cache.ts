// Raw log-mel features of a corpus computed once and kept on disk (`<dir>/<name>.json` index +
// `<name>.bin` frames), so a resumed training or a benchmark rerun does not spend CPU on the front end again.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Utterance } from './corpora.js';
import { fileLogMel } from './features.js';

interface CacheIndex {
  ids: string[];
  numFrames: number[];
}

/** Raw (unnormalized) log-mel frames for each utterance, from the cache when it holds exactly these ids. */
export function cachedLogMel(utterances: Utterance[], dir: string, name: string): { frames: Float32Array; numFrames: number }[] {
  const indexPath = join(dir, `${name}.json`);
  const binPath = join(dir, `${name}.bin`);
  const ids = utterances.map((u) => u.id);
  if (existsSync(indexPath) && existsSync(binPath)) {
    const index = JSON.parse(readFileSync(indexPath, 'utf8')) as CacheIndex;
    if (index.ids.join('\n') === ids.join('\n')) {
      const bin = readFileSync(binPath);
      const all = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
      let offset = 0;
      return index.numFrames.map((n) => {
        const frames = all.slice(offset, offset + n * 80);
        offset += n * 80;
        return { frames, numFrames: n };
      });
    }
  }
  const computed = utterances.map((u) => fileLogMel(u.path, u.speed));
  mkdirSync(dir, { recursive: true });
  writeFileSync(binPath, Buffer.concat(computed.map((c) => Buffer.from(c.frames.buffer, c.frames.byteOffset, c.frames.byteLength))));
  writeFileSync(indexPath, JSON.stringify({ ids, numFrames: computed.map((c) => c.numFrames) } satisfies CacheIndex));
  return computed;
}
