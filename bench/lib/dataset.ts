// A brand's ledger at scale, for the benchmarks, in a PostgreSQL database of its own or in an
// embedded (PGlite) data directory of its own.
//   const data = await loadDataset({ conversions: 1_000_000 });  …  await data.drop();
// The PostgreSQL database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres,
// plus a fresh database name) or the data directory (`embedded: true`, a fresh temporary
// directory) is migrated by the application's own prepareDatabase. One account
// (EUR, Europe/Paris) gets stores in four currencies, campaigns, creators and their
// memberships by SQL, then orders and conversions by COPY over three years. Each conversion's
// figures (converted amount, commission, counted, fxMissing) come from the core's own rules
// with the shipped ECB rates, and the rollups are built by the migration's rebuild function,
// so the data is what the application would have written itself.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { signup } from '../../src/app/accounts/accounts.ts';
import { createApiKey } from '../../src/app/accounts/credentials.ts';
import { rateHistory } from '../../src/app/fx/rates.ts';
import { prepareDatabase } from '../../src/app/startup.ts';
import { figureConversion } from '../../src/core/ledger/figure-conversion.ts';
import type { StoreStatus } from '../../src/core/status.ts';
import { type Connection, connectPostgres } from '../../src/db/connect.ts';
import { connectPglite, createPglite } from '../../src/db/embedded.ts';
import { prng } from '../../test/support/prng.ts';

/** Where a benchmark's data lives: a PostgreSQL database, or an embedded data directory. */
export type Target = { url: string } | { dataDir: string };

export interface DatasetOptions {
  conversions: number;
  campaigns?: number;
  creators?: number;
  /** Store currencies; the account's is EUR. */
  currencies?: string[];
  /** The first and last day of the orders (UTC). */
  firstDay?: string;
  lastDay?: string;
  seed?: number;
  /** Load into a fresh embedded (PGlite) data directory instead of a PostgreSQL database. */
  embedded?: boolean;
  /** Keep the loaded data after the run, under a name `reuse` takes (written to bench/.datasets/). */
  keep?: boolean;
  /** A dataset kept by an earlier run: used as it is, not loaded, not dropped. */
  reuse?: string;
  log?: (line: string) => void;
}

export interface Dataset {
  /** The benchmark database: give it to startServer, or to connectTarget for direct reads. */
  target: Target;
  accountId: string;
  /** An admin API key of the account (Authorization: Bearer …). */
  apiKey: string;
  currency: string;
  timeZone: string;
  stores: Array<{ id: string; currency: string }>;
  campaignIds: string[];
  creatorIds: string[];
  conversions: number;
  firstDay: string;
  lastDay: string;
  loadSeconds: number;
  /** Drops the database or deletes the directory; call once every connection to it is closed. */
  drop(): Promise<void>;
}

export const BENCH_BASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const DIGITS: Record<string, number> = { JPY: 0 };
const STATUSES: Array<[StoreStatus, number]> = [
  ['paid', 0.85],
  ['partially_refunded', 0.05],
  ['refunded', 0.04],
  ['pending', 0.03],
  ['canceled', 0.03],
];

async function createDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: BENCH_BASE_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(BENCH_BASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: BENCH_BASE_URL });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}

// Kept datasets: what a later run needs to use one (its API key cannot be read back from the database).
const KEPT = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '.datasets');

function keptDataset(name: string): Dataset {
  const file = path.join(KEPT, `${name}.json`);
  if (!/^[a-z0-9_]+$/.test(name) || !fs.existsSync(file)) throw new Error(`no kept dataset named ${name} (see ${KEPT})`);
  return { ...(JSON.parse(fs.readFileSync(file, 'utf8')) as Omit<Dataset, 'drop'>), drop: async () => undefined };
}

export async function loadDataset(options: DatasetOptions): Promise<Dataset> {
  if (options.reuse) return keptDataset(options.reuse);
  const data = await loadFresh(options);
  if (!options.keep) return data;
  const name =
    'url' in data.target
      ? new URL(data.target.url).pathname.slice(1)
      : path
          .basename(data.target.dataDir)
          .replace(/[^a-z0-9]/gi, '_')
          .toLowerCase();
  const { drop: _drop, ...kept } = data;
  fs.mkdirSync(KEPT, { recursive: true });
  fs.writeFileSync(path.join(KEPT, `${name}.json`), JSON.stringify(kept, null, 2));
  options.log?.(`kept as ${name}: reuse it with --reuse ${name}`);
  return { ...data, drop: async () => undefined };
}

async function loadFresh(options: DatasetOptions): Promise<Dataset> {
  const log = options.log ?? (() => undefined);
  const total = options.conversions;
  const campaignCount = options.campaigns ?? 50;
  const creatorCount = options.creators ?? 5_000;
  const currencies = options.currencies ?? ['EUR', 'USD', 'GBP', 'JPY'];
  const firstDay = options.firstDay ?? '2023-04-01';
  const lastDay = options.lastDay ?? '2026-03-31';
  if (!Number.isInteger(total) || total < 1) throw new Error(`conversions must be a positive integer, not ${total}`);

  const opened = options.embedded ? await openEmbedded() : await openPostgres();
  const { target, app, raw: db, drop } = opened;
  const started = performance.now();
  try {
    await prepareDatabase(app.db);
    const { account } = await signup(app.db, {
      accountName: 'Bench brand',
      email: 'bench@example.com',
      password: 'correct horse battery',
      defaultCurrency: 'EUR',
      timeZone: 'Europe/Paris',
    });
    const { key } = await createApiKey(app.db, account.id, { name: 'bench', role: 'admin' });
    const rates = await rateHistory(app.db, account.id, currencies);

    const ids = async (text: string, values: unknown[]) => (await db.query<{ id: string }>(text, values)).map((r) => r.id);
    const stores = await db.query<{ id: string; currency: string }>(
      `insert into stores (account_id, platform, name, currency, webhook_secret)
       select $1, 'custom', c || ' shop', c, md5(c) from unnest($2::text[]) c returning id::text, currency`,
      [account.id, currencies],
    );
    // Terms: a percent from 5 to 20; every fifth campaign also pays 1.00 USD per order.
    const campaignIds = await ids(
      `insert into campaigns (account_id, name, commission_percent, commission_fixed_minor, commission_fixed_currency)
       select $1, 'Campaign ' || g, 5 + g % 16, case when g % 5 = 0 then 100 end, case when g % 5 = 0 then 'USD' end
       from generate_series(1, $2) g order by g returning id::text`,
      [account.id, campaignCount],
    );
    const creatorIds = await ids(
      `insert into creators (account_id, name, handle) select $1, 'Creator ' || g, 'creator' || g
       from generate_series(1, $2) g order by g returning id::text`,
      [account.id, creatorCount],
    );
    // Every creator is in one campaign, every third one in a second as well.
    const members: Array<{ campaign: number; creator: number }> = [];
    for (let i = 0; i < creatorCount; i++) {
      members.push({ campaign: i % campaignCount, creator: i });
      if (i % 3 === 0 && campaignCount > 1) members.push({ campaign: (i * 7 + 1) % campaignCount, creator: i });
    }
    await db.query(`insert into members (account_id, campaign_id, creator_id) select $1, * from unnest($2::bigint[], $3::bigint[])`, [
      account.id,
      members.map((m) => campaignIds[m.campaign]),
      members.map((m) => creatorIds[m.creator]),
    ]);
    log(`${stores.length} stores, ${campaignIds.length} campaigns, ${creatorIds.length} creators, ${members.length} members`);

    // Orders first; their ids come from one identity sequence in COPY order, checked below.
    const first = Date.parse(`${firstDay}T00:00:00Z`);
    const span = Date.parse(`${lastDay}T00:00:00Z`) + 86_400_000 - first;
    type Row = { store: number; at: Date; status: StoreStatus; approval: 'approved' | 'rejected'; amountMinor: bigint; member: number };
    // The rows are drawn afresh, from the same seed, for each COPY: nothing is held in memory.
    const seed = options.seed ?? 20_240_601;
    const draw = (random: () => number): Row => {
      // Sales grow over the three years; a few members sell most (a power law).
      const at = new Date(first + Math.floor(Math.sqrt(random()) * span));
      const store = Math.floor(random() * stores.length);
      const s = random();
      let acc = 0;
      let status: StoreStatus = 'paid';
      for (const [name, share] of STATUSES) {
        acc += share;
        if (s < acc) {
          status = name;
          break;
        }
      }
      const units = 5 + Math.floor(random() * 495);
      const digits = DIGITS[stores[store]!.currency] ?? 2;
      const amountMinor = BigInt(units) * 10n ** BigInt(digits) + (digits > 0 ? BigInt(Math.floor(random() * 100)) : 0n);
      const approval = random() < 0.02 ? ('rejected' as const) : ('approved' as const);
      return { store, at, status, approval, amountMinor, member: Math.floor(members.length * random() ** 2) };
    };

    // Rows are made 20,000 at a time, as the COPY reads them.
    const copy = (sql: string, line: (i: number, r: Row) => string) =>
      db.copyFrom(
        sql,
        (function* () {
          const random = prng(seed);
          for (let i = 0; i < total; ) {
            const end = Math.min(total, i + 20_000);
            let chunk = '';
            for (; i < end; i++) chunk += line(i, draw(random));
            yield chunk;
          }
        })(),
      );
    const iso = (d: Date) => d.toISOString();
    await copy(
      `copy orders (account_id, store_id, external_id, number, currency, placed_at, store_updated_at, base_status, gross_minor, refunded_minor, status, amount_minor) from stdin`,
      (i, r) => {
        const st = stores[r.store]!;
        const base = r.status === 'partially_refunded' ? 'paid' : r.status;
        return `${account.id}\t${st.id}\tB${i}\t#${i}\t${st.currency}\t${iso(r.at)}\t${iso(r.at)}\t${base}\t${r.amountMinor}\t0\t${r.status}\t${r.amountMinor}\n`;
      },
    );
    const range = (
      await db.query<{ min: string; max: string; n: string }>(
        `select min(id)::text as min, max(id)::text as max, count(*)::text as n from orders`,
      )
    )[0]!;
    if (BigInt(range.max) - BigInt(range.min) + 1n !== BigInt(total) || Number(range.n) !== total)
      throw new Error('order ids are not consecutive');
    const firstOrder = BigInt(range.min);
    log(`${total.toLocaleString('en')} orders copied in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // The conversions, without the triggers; the rollups are built in one pass afterwards.
    await db.query('alter table conversions disable trigger user');
    const terms = campaignIds.map((_, c) => ({ percent: String(5 + ((c + 1) % 16)), fixed: (c + 1) % 5 === 0 }));
    const nul = (v: bigint | string | null) => v ?? '\\N';
    await copy(
      `copy conversions (account_id, order_id, store_id, campaign_id, creator_id, via_type, via_value, order_date, currency, status, approval, amount_minor,
                         terms_percent, terms_fixed_minor, terms_fixed_currency, fx_missing, converted_minor, commission_minor, counted) from stdin`,
      (i, r) => {
        const st = stores[r.store]!;
        const m = members[r.member]!;
        const t = terms[m.campaign]!;
        const f = figureConversion(
          {
            currency: st.currency,
            orderDate: r.at,
            approval: r.approval,
            status: r.status,
            amountMinor: r.amountMinor,
            terms: { percent: t.percent, fixedMinor: t.fixed ? 100n : null, fixedCurrency: t.fixed ? 'USD' : null },
          },
          'EUR',
          rates,
        );
        return `${account.id}\t${firstOrder + BigInt(i)}\t${st.id}\t${campaignIds[m.campaign]}\t${creatorIds[m.creator]}\tcode\tCODE${m.creator}\t${iso(r.at)}\t${st.currency}\t${r.status}\t${r.approval}\t${r.amountMinor}\t${t.percent}\t${t.fixed ? 100 : '\\N'}\t${t.fixed ? 'USD' : '\\N'}\t${f.fxMissing ? 't' : 'f'}\t${nul(f.convertedMinor)}\t${nul(f.commissionMinor)}\t${f.counted ? 't' : 'f'}\n`;
      },
    );
    await db.query('alter table conversions enable trigger user');
    log(`conversions copied in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await db.query('select tally_rebuild_rollups($1)', [account.id]);
    await db.query('vacuum analyze');
    const loadSeconds = (performance.now() - started) / 1000;
    log(`rollups built, vacuumed and analyzed: ${loadSeconds.toFixed(1)} s in all`);
    await opened.close();
    return {
      target,
      accountId: account.id,
      apiKey: key,
      currency: 'EUR',
      timeZone: 'Europe/Paris',
      stores,
      campaignIds,
      creatorIds,
      conversions: total,
      firstDay,
      lastDay,
      loadSeconds,
      drop,
    };
  } catch (error) {
    await opened.close().catch(() => undefined);
    await drop().catch(() => undefined);
    throw error;
  }
}

/** The statements and COPYs the loader runs, on either database. */
interface RawSql {
  query<T>(text: string, values?: unknown[]): Promise<T[]>;
  copyFrom(sql: string, chunks: Iterable<string>): Promise<void>;
}

interface Opened {
  target: Target;
  app: Connection;
  raw: RawSql;
  close(): Promise<void>;
  drop(): Promise<void>;
}

async function openPostgres(): Promise<Opened> {
  const name = `tally_bench_${process.pid}_${Date.now().toString(36)}`;
  const url = await createDatabase(name);
  const app = await connectPostgres(url, { max: 2 });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    target: { url },
    app,
    raw: {
      query: async <T>(text: string, values?: unknown[]) => (await client.query(text, values)).rows as T[],
      copyFrom: (sql, chunks) => pipeline(Readable.from(chunks), client.query(copyStreams.from(sql))),
    },
    async close() {
      await client.end();
      await app.close();
    },
    drop: () => dropDatabase(name),
  };
}

async function openEmbedded(): Promise<Opened> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tally-bench-embedded-'));
  const pglite: PGlite = createPglite(path.join(dataDir, 'pgdata'));
  const app = await connectPglite(pglite);
  return {
    target: { dataDir },
    app,
    raw: {
      query: async <T>(text: string, values?: unknown[]) => (await pglite.query<T>(text, values)).rows,
      // PGlite reads COPY … FROM '/dev/blob' from the blob given with the statement.
      async copyFrom(sql, chunks) {
        const from = sql.replace(/ from stdin$/, ` from '/dev/blob'`);
        for (const chunk of chunks) await pglite.query(from, [], { blob: new Blob([chunk]) });
      },
    },
    close: () => app.close(),
    drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** A connection of the bench's own to the data, for what the API does not answer (the ceilings). */
export async function connectTarget(target: Target): Promise<Connection> {
  return 'url' in target ? connectPostgres(target.url, { max: 2 }) : connectPglite(createPglite(path.join(target.dataDir, 'pgdata')));
}
