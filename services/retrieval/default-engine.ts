// How the service opens its engine: the corpus in the data directory and, when present, the dual-encoder
// checkpoint (NNSUITE_RETRIEVAL_MODEL_DIR, default models/retrieval/dual-encoder; "none" for term-only).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RetrievalEngine } from './retrieval-engine.js';

export const DEFAULT_MODEL_DIR = fileURLToPath(new URL('../../models/retrieval/dual-encoder', import.meta.url));

export async function openDefaultEngine(dataDir: string, environment: NodeJS.ProcessEnv = process.env): Promise<RetrievalEngine> {
  const modelDir = environment.NNSUITE_RETRIEVAL_MODEL_DIR || DEFAULT_MODEL_DIR;
  if (modelDir === 'none' || !existsSync(modelDir)) return RetrievalEngine.open({ dir: dataDir });
  const { loadDualEncoder } = await import('./dual-encoder.js');
  const { encoder, defaultTermWeight } = await loadDualEncoder(modelDir);
  return RetrievalEngine.open({ dir: dataDir, encoder, defaultTermWeight });
}
