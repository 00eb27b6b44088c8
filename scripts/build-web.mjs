#!/usr/bin/env node
// Builds the web app (web/ → web/dist) when web/dist is missing or older than its sources,
// so `npm start` works from a clean clone. `--force` always builds.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'web/dist/index.html');
const sources = [path.join(root, 'web/src'), path.join(root, 'web/index.html'), path.join(root, 'vite.config.ts')];

function newest(file) {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(file).map((name) => newest(path.join(file, name))));
}

const force = process.argv.includes('--force');
const builtAt = fs.statSync(built, { throwIfNoEntry: false })?.mtimeMs ?? 0;
if (!force && builtAt > 0 && builtAt >= Math.max(...sources.map(newest))) {
  console.log('web app is up to date (web/dist)');
} else {
  console.log('building the web app into web/dist …');
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
  console.log('web app built');
}
