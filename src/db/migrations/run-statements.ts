import { type Kysely, sql } from 'kysely';

// PGlite's extended protocol takes one statement per query, so a migration's script is run
// statement by statement. Statements end with a semicolon at the end of a line.
export async function runStatements(db: Kysely<unknown>, script: string): Promise<void> {
  for (const statement of script.split(/;\s*$/m)) {
    if (statement.replace(/--.*$/gm, '').trim() === '') continue;
    await sql.raw(statement).execute(db);
  }
}
