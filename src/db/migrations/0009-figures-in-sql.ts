import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// The arithmetic of the core's figures (src/core/money.ts roundHalfEven, src/core/commission.ts)
// as SQL functions, so that a change touching every conversion of an account (a new default
// currency, a new rate) computes the figures inside the database, one set-based UPDATE, instead
// of reading every row out and writing it back. They are plain SQL expressions, which the
// planner inlines into the statement that calls them.
//
//   tally_half_even(n, d)                  n / d rounded half to even, d > 0, exact (numeric)
//   tally_scale_half_even(a, num, den,     a × num / den rounded half to even: in bigint when the
//                         num_n, den_n)    product fits (num, den given), else in numeric
//   tally_percent_of(a, percent)           percent % of a, rounded half to even
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    -- Half to even is symmetric about zero: round |n| / d and give it n's sign. div and mod on
    -- numeric are exact, whatever the scale.
    create function tally_half_even(n numeric, d numeric) returns numeric
    language sql immutable parallel safe as $$
      select sign(n) * (div(abs(n), d) + case
        when 2 * mod(abs(n), d) > d then 1
        when 2 * mod(abs(n), d) = d then mod(div(abs(n), d), 2)
        else 0 end)
    $$;

    -- The bigint path holds while a × num stays below 2^62 (so twice a remainder fits too); it
    -- is about ten times cheaper than numeric, and an amount in minor units is nearly always
    -- there. num and den are null when the ratio itself does not fit a bigint; a zero num (a 0 %
    -- percent) takes the numeric path too.
    create function tally_scale_half_even(a bigint, num bigint, den bigint, num_n numeric, den_n numeric) returns bigint
    language sql immutable parallel safe as $$
      select case
        -- CASE tests in order: the division below never sees a null or zero num.
        when num is null or num <= 0 or a < 0 then tally_half_even(a * num_n, den_n)::bigint
        when a <= 4611686018427387904 / num then
          (a * num) / den + case
            when 2 * ((a * num) % den) > den then 1
            when 2 * ((a * num) % den) = den then ((a * num) / den) % 2
            else 0 end
        else tally_half_even(a * num_n, den_n)::bigint
      end
    $$;

    -- A percent has at most four decimals (the API's rule), so percent × 10^4 is an integer and
    -- the bigint path applies; any other stays exact in numeric.
    create function tally_percent_of(a bigint, percent numeric) returns bigint
    language sql immutable parallel safe as $$
      select case
        when percent * 10000 = trunc(percent * 10000) and percent between 0 and 100 then
          tally_scale_half_even(a, (percent * 10000)::bigint, 1000000, percent * 10000, 1000000)
        else tally_half_even(a * percent, 100)::bigint
      end
    $$;
  `,
  );
}
