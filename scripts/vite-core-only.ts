import { builtinModules } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'vite';

// The dashboard shares the server's pure rules (src/core: status words, money) instead of
// copying them, and nothing else of src/: the rest reads databases, files and the network.
// The web build refuses any other import from src/, and any Node built-in a core module would
// bring in (a sign of I/O).

const BUILTINS = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

/** Why `importer` may not import `source` (resolved to `resolved`), or null when it may. */
export function coreOnlyProblem(root: string, importer: string, source: string, resolved: string | null): string | null {
  const src = path.join(root, 'src') + path.sep;
  const core = path.join(src, 'core') + path.sep;
  const inSrc = importer.startsWith(src);
  if (inSrc && (BUILTINS.has(source) || source.startsWith('node:'))) {
    return `${path.relative(root, importer)} imports ${source}: the dashboard may use only the pure rules of src/core, without I/O.`;
  }
  if (resolved?.startsWith(src) && !resolved.startsWith(core)) {
    return `${path.relative(root, importer)} imports ${path.relative(root, resolved)}: the dashboard may import only from src/core.`;
  }
  return null;
}

export function coreOnly(root: string): Plugin {
  return {
    name: 'tally-core-only',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!importer) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      const problem = coreOnlyProblem(root, importer.split('?')[0] ?? importer, source, resolved?.id ?? null);
      if (problem) this.error(problem);
      return resolved;
    },
  };
}
