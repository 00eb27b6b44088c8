// Runs the benchmark scenarios and records their figures.
//   npm run bench                      every scenario, default sizes
//   npm run bench -- ingest dashboards  the scenarios named
//   npm run bench -- ingest --senders 32 --deliveries 20000
// Flags not known to a scenario are refused. Figures are printed per scenario and merged into
// bench/results.json ({scenario: {figure: value}}) with the time and machine of the run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Figures, Scenario } from './scenario.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
// The order scenarios run in when none is named.
const ORDER = ['ingest', 'freshness', 'dashboards', 'export', 'currency', 'start', 'embedded', 'fuzz'];

async function loadScenarios(): Promise<Map<string, Scenario>> {
  const dir = path.join(here, 'scenarios');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts'));
  const found = new Map<string, Scenario>();
  for (const file of files) {
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { default?: Scenario };
    if (mod.default) found.set(mod.default.name, mod.default);
  }
  const rank = (name: string) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length);
  return new Map([...found].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)));
}

function parseCommandLine(argv: string[]): { names: string[]; flags: Record<string, string> } {
  const names: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('--')) {
      const [key, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
      const value = inline ?? argv[++i];
      if (value === undefined) throw new Error(`--${key} needs a value`);
      flags[key] = value;
    } else {
      names.push(arg);
    }
  }
  return { names, flags };
}

function printFigures(figures: Figures): void {
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  for (const [key, value] of Object.entries(figures)) {
    const shown = typeof value === 'number' ? value.toLocaleString('en', { maximumFractionDigits: 3 }) : value;
    console.log(`  ${key.padEnd(width)}  ${shown}`);
  }
}

const scenarios = await loadScenarios();
const { names, flags } = parseCommandLine(process.argv.slice(2));
if (names.includes('help') || flags.help !== undefined) {
  for (const s of scenarios.values()) {
    console.log(`${s.name}: ${s.summary}`);
    for (const [flag, spec] of Object.entries(s.flags)) console.log(`    --${flag} (default ${spec.default}): ${spec.help}`);
  }
  process.exit(0);
}
const unknown = names.filter((n) => !scenarios.has(n));
if (unknown.length > 0) {
  console.error(`unknown scenario: ${unknown.join(', ')} (known: ${[...scenarios.keys()].join(', ')})`);
  process.exit(2);
}
const chosen = names.length > 0 ? names.map((n) => scenarios.get(n)!) : [...scenarios.values()];
const known = new Set(chosen.flatMap((s) => Object.keys(s.flags)));
const stray = Object.keys(flags).filter((f) => !known.has(f));
if (stray.length > 0) {
  console.error(`flag not used by the chosen scenarios: ${stray.map((f) => `--${f}`).join(', ')}`);
  process.exit(2);
}

const resultsFile = path.join(here, 'results.json');
const results = fs.existsSync(resultsFile) ? (JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as Record<string, Figures>) : {};
let failed = 0;
for (const scenario of chosen) {
  const own = Object.fromEntries(Object.entries(scenario.flags).map(([k, spec]) => [k, flags[k] ?? spec.default]));
  console.log(`\n${scenario.name} — ${scenario.summary}`);
  console.log(
    `  flags: ${
      Object.entries(own)
        .map(([k, v]) => `--${k} ${v}`)
        .join(' ') || '(none)'
    }`,
  );
  const started = performance.now();
  try {
    const figures = await scenario.run(own, (line) => console.log(`  · ${line}`));
    printFigures(figures);
    results[scenario.name] = {
      ...figures,
      ranAt: new Date().toISOString(),
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    };
    fs.writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  } catch (error) {
    failed += 1;
    console.error(`  ${scenario.name} failed after ${((performance.now() - started) / 1000).toFixed(1)} s:`, error);
  }
}
process.exit(failed > 0 ? 1 : 0);
