import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web app is built into web/dist and served by the same Fastify process (src/web/routes.ts). `npm run dev`
 * serves it from Vite with live reload and forwards /api to the Fastify server on PORT (default 3000).
 */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline polyfill script: the strict CSP (script-src 'self') must hold for the built page.
    modulePreload: { polyfill: false },
    target: 'es2022',
    sourcemap: false,
    // The budget that matters is the gzipped first load, checked by npm run check:bundle and a test.
    chunkSizeWarningLimit: 600,
  },
  server: {
    port: Number(process.env.WEB_DEV_PORT ?? 5173),
    proxy: { '/api': `http://127.0.0.1:${process.env.PORT ?? 3000}` },
  },
});
