// Vite builds the Research Explorer into gateway/web/dist, which the gateway serves at `/`
// (`npx tsx scripts/dev/build-web.ts`). `npx vite gateway/web` serves it with live reload, sending the
// Connect calls (paths /nnsuite.<service>.v1.<Name>Service/<Method>) to a gateway on :8080.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 400 },
  server: { proxy: { '^/nnsuite\\.': `http://127.0.0.1:${process.env.NNSUITE_GATEWAY_PORT ?? 8080}` } },
});
