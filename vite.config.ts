import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { coreOnly } from './scripts/vite-core-only.ts';

// The web app: built from web/ into web/dist, which the API server serves (src/http/web.ts).
const root = fileURLToPath(new URL('./web', import.meta.url));
const repository = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  // The dashboard may import the pure rules of src/core, and nothing else of the server.
  plugins: [react(), coreOnly(repository)],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Libraries change less often than the app: separate chunks stay cached across releases, and
    // the chart library loads only with the chart.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'tanstack', test: /node_modules[\\/]@tanstack[\\/]/ },
            { name: 'charts', test: /node_modules[\\/](recharts|d3-[a-z-]+|victory-vendor|es-toolkit|decimal\.js-light|immer|reselect|@reduxjs|redux|react-redux|use-sync-external-store|eventemitter3|tiny-invariant|clsx)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    // `npx vite` for development, against an API on :3000.
    proxy: { '/api': 'http://localhost:3000', '/r': 'http://localhost:3000', '/healthz': 'http://localhost:3000' },
  },
});
