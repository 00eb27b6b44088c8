import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';
import { coreOnly, coreOnlyProblem } from '../../scripts/vite-core-only.ts';

// The web build takes from src/ only the pure rules of src/core, and a core module that brought
// in a Node built-in would be refused too.

const root = fileURLToPath(new URL('../..', import.meta.url));
const at = (file: string) => path.join(root, file);

describe('what the dashboard may import from the server', () => {
  it('allows src/core, refuses the rest of src/ and Node built-ins under src/', () => {
    expect(coreOnlyProblem(root, at('web/src/ui/StatusBadge.tsx'), '../../../src/core/status.ts', at('src/core/status.ts'))).toBeNull();
    expect(coreOnlyProblem(root, at('src/core/money.ts'), 'currency-codes', at('node_modules/currency-codes/index.js'))).toBeNull();
    expect(coreOnlyProblem(root, at('web/src/ui/format.ts'), '../../../src/config.ts', at('src/config.ts'))).toBe(
      'web/src/ui/format.ts imports src/config.ts: the dashboard may import only from src/core.',
    );
    expect(coreOnlyProblem(root, at('src/core/money.ts'), 'node:fs', null)).toBe(
      'src/core/money.ts imports node:fs: the dashboard may use only the pure rules of src/core, without I/O.',
    );
    expect(coreOnlyProblem(root, at('src/core/money.ts'), 'crypto', null)).toBe(
      'src/core/money.ts imports crypto: the dashboard may use only the pure rules of src/core, without I/O.',
    );
  });

  it('fails a build that imports src/db, and passes one that imports src/core', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tally-core-only-'));
    const bundle = async (line: string) => {
      const entry = path.join(dir, 'entry.ts');
      await fs.writeFile(entry, `${line}\nconsole.log(x);\n`);
      return build({
        configFile: false,
        logLevel: 'silent',
        plugins: [coreOnly(root)],
        build: { write: false, lib: { entry, formats: ['es'], fileName: 'entry' } },
      });
    };
    try {
      await expect(bundle(`import { statusLabel as x } from '${at('src/core/status.ts')}';`)).resolves.toBeDefined();
      await expect(bundle(`import { loadConfig as x } from '${at('src/config.ts')}';`)).rejects.toThrow(
        /imports src\/config\.ts: the dashboard may import only from src\/core\./,
      );
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
