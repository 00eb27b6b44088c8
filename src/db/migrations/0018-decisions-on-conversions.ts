import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// A rebuild replays who each order went to as it was decided when the order first came. A
// conversion row keeps that decision (member, code or link, terms), written once when it opens
// and never rewritten, so the copy kept beside it in order_decisions only cost every new
// conversion a second insert. The rebuild reads the decisions from the conversions instead.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, 'drop table order_decisions;');
}
