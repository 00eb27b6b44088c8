#!/usr/bin/env node
// Bundles the server (src/ → .build/server/cli.js) when the bundle is missing or older than
// its sources, so `npm start` runs plain JavaScript instead of compiling TypeScript at every
// start. Packages stay in node_modules; the bundle sits two folders deep like src/*/ so the
// paths it resolves from its own location (assets/, web/dist/) are the same. `--force` always builds.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(root, '.build/server/cli.js');
const sources = [path.join(root, 'src'), path.join(root, 'package-lock.json'), fileURLToPath(import.meta.url)];

function newest(file) {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(file).map((name) => newest(path.join(file, name))));
}

const force = process.argv.includes('--force');
const builtAt = fs.statSync(outfile, { throwIfNoEntry: false })?.mtimeMs ?? 0;
if (!force && builtAt > 0 && builtAt >= Math.max(...sources.map(newest))) {
  console.log('server is up to date (.build/server)');
} else {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [path.join(root, 'src/cli.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  console.log('server built (.build/server)');
}
