// The statement-level triggers that keep the rollups of migrations 0005, 0007, 0008 and 0010, as SQL text.
// Their output is part of those migrations: change it only with a new migration that replaces
// the functions it created.

// A transaction that rewrites an account's figures wholesale (a new default currency) sets
// tally.rollups = 'rebuild' for itself and rebuilds the account's rollups once at the end,
// instead of upserting a delta per batch of rows; otherwise the changed rows' accounts are
// locked (key share) before any rollup row, so writers take their locks in one order.
const lockAccounts = (source: string) => `
      if current_setting('tally.rollups', true) = 'rebuild' then
        return null;
      end if;
      perform 1 from accounts where id in (select account_id from ${source}) order by id for key share;`;

/**
 * Functions tally_[<name>_]rollups_inserted / _deleted / _updated and their triggers on
 * conversions: each adds the new rows' contributions and takes away the old rows', through
 * `applyDelta` (one statement over a query of signed contributions).
 */
export function rollupTriggers(
  name: string,
  contributions: (source: string, sign: number) => string,
  applyDelta: (delta: string) => string,
): string {
  const infix = name ? `${name}_` : '';
  const fn = (event: string, source: string, delta: string) => `
    create function tally_${infix}rollups_${event}() returns trigger language plpgsql as $$
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

    create trigger conversions_${infix}rollups_inserted after insert on conversions
      referencing new table as new_rows for each statement execute function tally_${infix}rollups_inserted();
    create trigger conversions_${infix}rollups_deleted after delete on conversions
      referencing old table as old_rows for each statement execute function tally_${infix}rollups_deleted();
    create trigger conversions_${infix}rollups_updated after update on conversions
      referencing old table as old_rows new table as new_rows for each statement execute function tally_${infix}rollups_updated();`;
}
