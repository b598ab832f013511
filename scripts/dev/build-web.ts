// Builds the Research Explorer page (gateway/web, Vite) into gateway/web/dist — the folder the gateway serves
// at `/` — or into the folder given: `npx tsx scripts/dev/build-web.ts [outDir]`. `npm start` runs it when
// the page was never built.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_ROOT = fileURLToPath(new URL('../../gateway/web', import.meta.url));
export const WEB_DIST = path.join(WEB_ROOT, 'dist');

export async function buildWeb(outDir: string = WEB_DIST): Promise<string> {
  const { build } = await import('vite');
  await build({
    root: WEB_ROOT,
    configFile: path.join(WEB_ROOT, 'vite.config.ts'),
    build: { outDir: path.resolve(outDir) },
    logLevel: 'warn',
  });
  return path.resolve(outDir);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(`built ${await buildWeb(process.argv[2])}`);
}
