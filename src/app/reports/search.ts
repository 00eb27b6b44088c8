import { sql } from 'kysely';

/** A contains-pattern for `ilike`: `%` and `_` in the text are literal characters, not wildcards. */
const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Whether the name or handle columns contain `text`, ignoring case. */
export function nameOrHandleContains(text: string, name: string, handle: string) {
  const pattern = containsPattern(text);
  return sql<boolean>`(${sql.ref(name)} ilike ${pattern} escape '\\' or ${sql.ref(handle)} ilike ${pattern} escape '\\')`;
}
