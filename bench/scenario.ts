// What every benchmark scenario provides to the runner (bench/run.ts).
//
// A scenario measures one thing and its ceiling in the same run, and returns its figures as
// a flat record: numbers in the unit its name says (…PerSec, …Ms, …Seconds, …Mb, ratio…), or
// short strings for what was run (sizes, database). The runner prints them as a table and
// merges them into bench/results.json under the scenario's name.

export type Figures = Record<string, number | string>;

export interface FlagSpec {
  /** The value used when the command line does not give one. */
  default: string;
  help: string;
}

export interface Scenario {
  /** The name given on the command line: `npm run bench -- NAME`. */
  name: string;
  /** One line: what is measured, against what ceiling, and the target. */
  summary: string;
  /** Sizes and knobs, each settable as `--flag value`. */
  flags: Record<string, FlagSpec>;
  run(flags: Record<string, string>, log: (line: string) => void): Promise<Figures>;
}
