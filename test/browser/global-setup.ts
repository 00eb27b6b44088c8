import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import setupDatabases from '../support/global-setup.ts';
import { CHROMIUM } from './chromium.ts';

// The browser project: the web app is built once (web/dist, served by the server under test),
// and the migrated PGlite template is made as for the 'pglite' project, whose name the shared
// setup goes by.
export default async function setup(project: TestProject) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  if (fs.existsSync(CHROMIUM)) {
    const { build } = await import('vite');
    await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
  }
  const asPglite = { name: 'pglite', provide: project.provide.bind(project) } as unknown as TestProject;
  return setupDatabases(asPglite);
}
