import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web app: built from web/ into web/dist, which the API server serves (src/http/web.ts).
const root = fileURLToPath(new URL('./web', import.meta.url));

export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: {
    // `npx vite` for development, against an API on :3000.
    proxy: { '/api': 'http://localhost:3000', '/r': 'http://localhost:3000', '/healthz': 'http://localhost:3000' },
  },
});
