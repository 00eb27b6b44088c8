import { type Kysely, sql } from 'kysely';

// PGlite's extended protocol takes one statement per query, so a migration's script is run
// statement by statement. A statement ends with a semicolon at the end of a line, outside a
// dollar-quoted ($$ … $$) function body.
export function splitStatements(script: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  let inBody = false;
  for (const line of script.split('\n')) {
    current.push(line);
    if ((line.match(/\$\$/g)?.length ?? 0) % 2 === 1) inBody = !inBody;
    if (!inBody && /;\s*$/.test(line)) {
      statements.push(current.join('\n').replace(/;\s*$/, ''));
      current = [];
    }
  }
  statements.push(current.join('\n'));
  return statements.filter((s) => s.replace(/--.*$/gm, '').trim() !== '');
}

export async function runStatements(db: Kysely<unknown>, script: string): Promise<void> {
  for (const statement of splitStatements(script)) await sql.raw(statement).execute(db);
}
