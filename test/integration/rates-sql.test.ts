import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rateHistory, rateInEffectSql, storeRates } from '../../src/app/fx/rates.ts';
import { rateLookupFrom } from '../../src/core/fx.ts';
import { describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';
import { prng } from '../support/prng.ts';

// The rate in effect on a day is written twice: in the core (rateLookupFrom, for rows figured in
// memory) and in SQL (rateInEffectSql, for the write path's batch of rates). Random ECB and
// account rates, with the account's on some of the ECB's days, must read the same both ways.
describeDb('the rate in effect, in SQL and in the core', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('is the latest on or before the day, the account’s own winning on the same day (seed 4242)', async () => {
    const random = prng(4242);
    const { accountId } = await newAccount(t.app);
    const day = (n: number) => new Date(Date.UTC(2020, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
    const value = () => (1 + random() * 500).toFixed(4);
    const currencies = ['XTS', 'XXX'];
    // One rate per currency and day in each list (a file or a form gives one).
    const unique = <T extends { currency: string; day: string }>(list: T[]) => [
      ...new Map(list.map((r) => [`${r.currency} ${r.day}`, r])).values(),
    ];
    const ecb = unique(
      currencies.flatMap((currency) =>
        Array.from({ length: 40 }, () => ({ currency, day: day(Math.floor(random() * 200)), perEur: value() })),
      ),
    );
    const own = unique(
      currencies.flatMap((currency) => [
        ...Array.from({ length: 15 }, () => ({ currency, day: day(Math.floor(random() * 200)), perEur: value() })),
        ...ecb
          .filter((r) => r.currency === currency)
          .slice(0, 5)
          .map((r) => ({ ...r, perEur: value() })),
      ]),
    );
    await storeRates(t.db, null, ecb);
    await storeRates(t.db, accountId, own);

    const core = await rateHistory(t.db, accountId, currencies);
    const asked = currencies.flatMap((currency) => Array.from({ length: 220 }, (_, n) => ({ currency, day: day(n - 10) })));
    const { rows } = await sql<{ n: string; per_eur: string | null }>`
      select u.n::text as n, ${rateInEffectSql(sql`${accountId}::bigint`, sql.ref('u.currency'), sql.ref('u.day'))} as per_eur
      from unnest(${asked.map((a) => a.currency)}::text[], ${asked.map((a) => a.day)}::date[]) with ordinality as u(currency, day, n)
      order by u.n`.execute(t.db);
    const fromSql = rows.map((r) => (r.per_eur === null ? undefined : Number(r.per_eur)));
    const fromCore = asked.map((a) => {
      const rate = core(a.currency, a.day);
      return rate === undefined ? undefined : Number(rate);
    });
    expect(fromSql).toEqual(fromCore);
    // Some days have no rate yet, some take the ECB's, some the account's own.
    expect(fromSql.filter((r) => r === undefined).length).toBeGreaterThan(0);
    const ownOnDay = (a: { currency: string; day: string }) => own.some((r) => r.currency === a.currency && r.day === a.day);
    expect(asked.filter(ownOnDay).length).toBeGreaterThan(0);
    // The core read as the in-memory lookup over the same lists agrees too.
    const direct = rateLookupFrom([...ecb, ...own]);
    expect(asked.map((a) => direct(a.currency, a.day))).toEqual(asked.map((a) => core(a.currency, a.day)));
  });
});
