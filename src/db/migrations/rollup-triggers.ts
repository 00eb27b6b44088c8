// The statement-level triggers that keep a rollup of migrations 0007 and 0008, as SQL text.
// Their output is part of those migrations: change it only with a new migration that replaces
// the functions it created.

/** Skips under tally.rollups = 'rebuild'; otherwise takes a key-share lock on the changed rows' accounts. */
export const lockAccounts = (source: string) => `
      if current_setting('tally.rollups', true) = 'rebuild' then
        return null;
      end if;
      perform 1 from accounts where id in (select account_id from ${source}) order by id for key share;`;

/**
 * Functions tally_<name>_rollups_inserted / _deleted / _updated and their triggers on
 * conversions: each adds the new rows' contributions and takes away the old rows', through
 * `applyDelta` (one statement over a query of signed contributions).
 */
export function rollupTriggers(name: string, contributions: (source: string, sign: number) => string, applyDelta: (delta: string) => string): string {
  const fn = (event: string, source: string, delta: string) => `
    create function tally_${name}_rollups_${event}() returns trigger language plpgsql as $$
    begin
      ${lockAccounts(source)}
      ${applyDelta(delta)};
      return null;
    end
    $$;`;
  return `
    ${fn('inserted', 'new_rows', contributions('new_rows', 1))}
    ${fn('deleted', 'old_rows', contributions('old_rows', -1))}
    ${fn('updated', 'new_rows', `${contributions('new_rows', 1)} union all ${contributions('old_rows', -1)}`)}

    create trigger conversions_${name}_rollups_inserted after insert on conversions
      referencing new table as new_rows for each statement execute function tally_${name}_rollups_inserted();
    create trigger conversions_${name}_rollups_deleted after delete on conversions
      referencing old table as old_rows for each statement execute function tally_${name}_rollups_deleted();
    create trigger conversions_${name}_rollups_updated after update on conversions
      referencing old table as old_rows new table as new_rows for each statement execute function tally_${name}_rollups_updated();`;
}
