#!/usr/bin/env node
// Builds what `npm start` runs, each part only when it is missing or older than its sources,
// so a clean clone starts with one command and a restart builds nothing:
//   web     web/ → web/dist (Vite), served by the server
//   server  src/ → .build/server/cli.js (esbuild), plain JavaScript instead of compiling
//           TypeScript at every start; packages stay in node_modules, and the bundle sits two
//           folders deep like src/*/ so the paths it resolves from itself (assets/, web/dist/)
//           are the same.
//   node scripts/build.mjs [web|server …] [--force]   (no part named: both)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = (p) => path.join(root, p);

const parts = {
  web: {
    output: at('web/dist/index.html'),
    sources: [at('web/src'), at('web/public'), at('web/index.html'), at('vite.config.ts'), at('scripts/vite-core-only.ts')],
    async build() {
      const { build } = await import('vite');
      await build({ configFile: at('vite.config.ts'), logLevel: 'warn' });
    },
  },
  server: {
    output: at('.build/server/cli.js'),
    sources: [at('src'), at('package-lock.json')],
    async build() {
      const { build } = await import('esbuild');
      await build({
        entryPoints: [at('src/cli.ts')],
        outfile: at('.build/server/cli.js'),
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        sourcemap: true,
        logLevel: 'warning',
      });
    },
  },
};

function newest(file) {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(file).map((name) => newest(path.join(file, name))));
}

const args = process.argv.slice(2);
const force = args.includes('--force');
const named = args.filter((a) => !a.startsWith('--'));
const unknown = named.filter((name) => !(name in parts));
if (unknown.length > 0) {
  console.error(`unknown part: ${unknown.join(', ')} (parts: ${Object.keys(parts).join(', ')})`);
  process.exit(2);
}
const thisScript = fileURLToPath(import.meta.url);
for (const name of named.length > 0 ? named : Object.keys(parts)) {
  const part = parts[name];
  const builtAt = fs.statSync(part.output, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (!force && builtAt > 0 && builtAt >= Math.max(...[...part.sources, thisScript].map(newest))) {
    console.log(`${name} is up to date (${path.relative(root, path.dirname(part.output))})`);
    continue;
  }
  console.log(`building ${name} …`);
  await part.build();
  console.log(`${name} built (${path.relative(root, path.dirname(part.output))})`);
}
