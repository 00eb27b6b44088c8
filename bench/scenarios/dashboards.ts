// Dashboards at scale: /api/dashboard, a campaign's /performance and /api/community, each for
// all time, a year, 30 days and a range cut by timestamps (the Community's first page and a
// page 80 % deep by keyset), and the Orders table deep into the data by keyset, through the
// real server. Ceiling: the same totals by a plain GROUP BY over
// the raw rows; every answer must equal it to the cent (the scenario throws otherwise).
// Target: p95 ≤ 50 ms for every call.
// The GROUP BYs run first, then the server starts: an embedded data directory (the embedded
// scenario) admits one process at a time.
import { sql } from 'kysely';
import { inRange, parseRange, type RangeInput } from '../../src/app/reports/range.ts';
import { addDays } from '../../src/core/day-spans.ts';
import { toMoney } from '../../src/core/money.ts';
import type { Db } from '../../src/db/connect.ts';
import { COMMUNITY_PAGE_DEFAULT as COMMUNITY_PAGE } from '../../src/schemas/reports.ts';
import { connectTarget, type Dataset, loadDataset } from '../lib/dataset.ts';
import { percentile, startServer } from '../lib/server.ts';
import type { Figures, Scenario } from '../scenario.ts';

type Sum = { key: string; orders: number; sales: string; commission: string };
type Row = { orders: number; sales: { value: string }; commission: { value: string } };

type CommunityPage = { count: number; totals: Row; creators: Array<Row & { creatorId: string }>; nextCursor: string | null };

/** What the plain GROUP BYs say, per range, and the Orders pages to ask for; with their times. */
export interface Truth {
  ranges: Array<{ label: string; query: string; byCampaign: Sum[]; inCampaign: Sum[]; ranked: Sum[] }>;
  orders: Array<{ name: string; path: string }>;
  figures: Figures;
}

/** The ceiling: the same totals by plain GROUP BYs over the raw rows, read directly. */
export async function dashboardTruth(data: Dataset, log: (line: string) => void): Promise<Truth> {
  const conn = await connectTarget(data.target);
  try {
    return await groupBys(conn.db, data, log);
  } finally {
    await conn.close();
  }
}

async function groupBys(db: Db, data: Dataset, log: (line: string) => void): Promise<Truth> {
  const figures: Figures = {};
  const timed = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const result = await run();
    figures[name] = Number((performance.now() - t0).toFixed(1));
    return result;
  };
  // The biggest campaign (members are drawn with a power law, the first ones most often).
  const campaign = data.campaignIds[0]!;
  const last = data.lastDay;
  const ranges: Array<[string, RangeInput]> = [
    ['AllTime', {}],
    ['Year', { from: addDays(last, -364), to: last }],
    ['Days30', { from: addDays(last, -29), to: last }],
    ['Custom', { from: '2024-05-17T13:45:00Z', to: '2025-02-03T08:10:00+01:00' }],
  ];
  const truth: Truth = { ranges: [], orders: [], figures };
  for (const [label, input] of ranges) {
    const within = inRange(sql.ref('c.order_date'), parseRange(input, data.timeZone));
    const groupBy = async (key: 'campaign_id' | 'creator_id', campaignId?: string) =>
      (
        await sql<Sum>`
        select ${sql.ref(`c.${key}`)}::text as key, count(*)::int as orders, sum(c.converted_minor)::text as sales,
               sum(c.commission_minor)::text as commission
        from conversions c
        where c.account_id = ${data.accountId} and c.counted and ${within}
          ${campaignId ? sql`and c.campaign_id = ${campaignId}` : sql``}
        group by 1`.execute(db)
      ).rows;
    const byCampaign = await timed(`groupByCampaigns${label}Ms`, () => groupBy('campaign_id'));
    const inCampaign = await timed(`groupByPerformance${label}Ms`, () => groupBy('creator_id', campaign));
    // The Community: every creator still in it, biggest sales first.
    const ranked = await timed(
      `groupByCommunity${label}Ms`,
      async () =>
        (
          await sql<Sum>`
        select cr.id::text as key, coalesce(x.orders, 0)::int as orders, coalesce(x.sales, 0)::text as sales,
               coalesce(x.commission, 0)::text as commission
        from creators cr
        left join (
          select c.creator_id, count(*) as orders, sum(c.converted_minor) as sales, sum(c.commission_minor) as commission
          from conversions c where c.account_id = ${data.accountId} and c.counted and ${within} group by 1
        ) x on x.creator_id = cr.id
        where cr.account_id = ${data.accountId} and cr.removed_at is null
        order by coalesce(x.sales, 0) desc, cr.id`.execute(db)
        ).rows,
    );
    truth.ranges.push({ label, query: new URLSearchParams(input as Record<string, string>).toString(), byCampaign, inCampaign, ranked });
    log(
      `${label}: GROUP BY ${figures[`groupByCampaigns${label}Ms`]} / ${figures[`groupByPerformance${label}Ms`]} / ${figures[`groupByCommunity${label}Ms`]} ms`,
    );
  }

  // The Orders table: a page of 50 at a keyset cursor 0 %, 50 % and 99 % deep, plain and filtered.
  const creator = (
    await sql<{ id: string }>`
    select creator_id::text as id from conversions where account_id = ${data.accountId} and campaign_id = ${campaign}
    group by 1 order by count(*) desc offset 3 limit 1`.execute(db)
  ).rows[0]!.id;
  const filters: Array<[string, string, ReturnType<typeof sql<boolean>>]> = [
    ['', '', sql<boolean>`true`],
    ['Paid', 'status=paid', sql<boolean>`c.status = 'paid'`],
    ['Creator', `creatorId=${creator}`, sql<boolean>`c.creator_id = ${creator}`],
  ];
  for (const [label, query, where] of filters) {
    const count = Number(
      (
        await sql<{ n: string }>`
      select count(*) as n from conversions c where c.account_id = ${data.accountId} and c.campaign_id = ${campaign} and ${where}`.execute(
          db,
        )
      ).rows[0]!.n,
    );
    for (const depth of [0, 50, 99]) {
      let path = `/api/campaigns/${campaign}/conversions?limit=50${query ? `&${query}` : ''}`;
      if (depth > 0) {
        const at = (
          await sql<{ d: string; i: string }>`
          select to_char(c.order_date at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as d, c.id::text as i
          from conversions c where c.account_id = ${data.accountId} and c.campaign_id = ${campaign} and ${where}
          order by c.order_date desc, c.id desc offset ${Math.max(0, Math.min(count - 2, Math.floor((count * depth) / 100)))} limit 1`.execute(
            db,
          )
        ).rows[0]!;
        path += `&cursor=${Buffer.from(JSON.stringify(at)).toString('base64url')}`;
      }
      truth.orders.push({ name: `orders${label}Depth${depth}`, path });
    }
  }
  return truth;
}

/** Times every call through the server and checks each answer against the truth; throws on any difference. */
export async function timeDashboards(
  base: string,
  data: Dataset,
  truth: Truth,
  repeat: number,
  log: (line: string) => void,
): Promise<Figures> {
  const figures: Figures = {};
  const get = async <T>(path: string): Promise<{ ms: number; body: T }> => {
    const t0 = performance.now();
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${data.apiKey}` } });
    const body = (await res.json()) as T;
    const ms = performance.now() - t0;
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(body)}`);
    return { ms, body };
  };
  const time = async <T>(name: string, path: string): Promise<T> => {
    let body: T | undefined;
    for (let i = 0; i < 2; i++) body = (await get<T>(path)).body;
    const ms: number[] = [];
    for (let i = 0; i < repeat; i++) ms.push((await get<T>(path)).ms);
    ms.sort((a, b) => a - b);
    figures[`${name}P50Ms`] = Number(percentile(ms, 50).toFixed(1));
    figures[`${name}P95Ms`] = Number(percentile(ms, 95).toFixed(1));
    log(`${name.padEnd(36)} p50 ${percentile(ms, 50).toFixed(1)} ms, p95 ${percentile(ms, 95).toFixed(1)} ms`);
    return body as T;
  };
  const eur = (minor: string | null) => toMoney(BigInt(minor ?? 0), data.currency).value;
  const same = (what: string, rows: Array<Row & { key: string }>, sums: Sum[]) => {
    const byKey = new Map(sums.map((s) => [s.key, s]));
    for (const row of rows) {
      const t = byKey.get(row.key);
      const expected = { orders: t?.orders ?? 0, sales: eur(t?.sales ?? null), commission: eur(t?.commission ?? null) };
      const got = { orders: row.orders, sales: row.sales.value, commission: row.commission.value };
      if (JSON.stringify(expected) !== JSON.stringify(got)) {
        throw new Error(`${what}: ${row.key} answered ${JSON.stringify(got)}, the GROUP BY says ${JSON.stringify(expected)}`);
      }
    }
    if (rows.filter((r) => r.orders > 0).length !== sums.length)
      throw new Error(`${what}: ${rows.length} rows, the GROUP BY has ${sums.length}`);
  };
  const campaign = data.campaignIds[0]!;

  for (const { label, query, byCampaign, inCampaign, ranked } of truth.ranges) {
    const dashboard = await time<{ campaigns: Array<Row & { campaignId: string }> }>(`dashboard${label}`, `/api/dashboard?${query}`);
    same(
      `dashboard ${label}`,
      dashboard.campaigns.map((c) => ({ ...c, key: c.campaignId })),
      byCampaign,
    );
    const performance_ = await time<{ creators: Array<Row & { creatorId: string }> }>(
      `performance${label}`,
      `/api/campaigns/${campaign}/performance?${query}`,
    );
    same(
      `performance ${label}`,
      performance_.creators.map((c) => ({ ...c, key: c.creatorId })),
      inCampaign,
    );

    // The Community: the first page (default limit, biggest sales first) and one page deep
    // into the sort by keyset, each row and the totals against the GROUP BY.
    const samePage = (what: string, page: CommunityPage, from: number) => {
      const expected = ranked.slice(from, from + page.creators.length);
      if (page.creators.length !== Math.min(COMMUNITY_PAGE, ranked.length - from)) throw new Error(`${what}: ${page.creators.length} rows`);
      page.creators.forEach((row, i) => {
        const t = expected[i]!;
        const want = { key: t.key, orders: t.orders, sales: eur(t.sales), commission: eur(t.commission) };
        const got = { key: row.creatorId, orders: row.orders, sales: row.sales.value, commission: row.commission.value };
        if (JSON.stringify(want) !== JSON.stringify(got))
          throw new Error(`${what} row ${from + i}: answered ${JSON.stringify(got)}, the GROUP BY says ${JSON.stringify(want)}`);
      });
      const sum = (f: 'sales' | 'commission') => eur(ranked.reduce((n, r) => n + BigInt(r[f]), 0n).toString());
      const want = {
        count: ranked.length,
        orders: ranked.reduce((n, r) => n + r.orders, 0),
        sales: sum('sales'),
        commission: sum('commission'),
      };
      const got = {
        count: page.count,
        orders: page.totals.orders,
        sales: page.totals.sales.value,
        commission: page.totals.commission.value,
      };
      if (JSON.stringify(want) !== JSON.stringify(got))
        throw new Error(`${what} totals: answered ${JSON.stringify(got)}, the GROUP BY says ${JSON.stringify(want)}`);
    };
    const first = await time<CommunityPage>(`community${label}`, `/api/community?${query}`);
    samePage(`community ${label}`, first, 0);
    // 80 % into the creators: the cursor is the previous row's (sales, id), as the server makes it.
    const deep = Math.floor(ranked.length * 0.8);
    const before = ranked[deep - 1]!;
    const cursor = Buffer.from(JSON.stringify({ s: 'sales', v: before.sales, i: before.key })).toString('base64url');
    const deepPage = await time<CommunityPage>(`community${label}Deep`, `/api/community?${query}${query ? '&' : ''}cursor=${cursor}`);
    samePage(`community ${label} at row ${deep}`, deepPage, deep);
    log(`${label}: exact against the GROUP BY`);
  }
  for (const { name, path } of truth.orders) {
    const page = await time<{ items: unknown[] }>(name, path);
    if (page.items.length === 0) throw new Error(`${name}: an empty page`);
  }
  return figures;
}

const scenario: Scenario = {
  name: 'dashboards',
  summary: 'dashboard, performance, community and Orders pages at scale; p50/p95 per call vs a plain GROUP BY; target p95 ≤ 50 ms, exact',
  flags: {
    conversions: { default: '200000', help: 'conversions loaded (the issue: 10000000)' },
    creators: { default: '5000', help: 'creators (each in one or two of the campaigns)' },
    campaigns: { default: '50', help: 'campaigns' },
    repeat: { default: '20', help: 'timed calls per endpoint and range, after 2 warm-up calls' },
    keep: { default: 'no', help: 'yes: keep the loaded database for a later --reuse' },
    reuse: { default: '', help: 'the name of a database kept by an earlier --keep yes run, used instead of loading one' },
  },
  async run(flags, log) {
    const data = await loadDataset({
      conversions: Number(flags.conversions),
      creators: Number(flags.creators),
      campaigns: Number(flags.campaigns),
      keep: flags.keep === 'yes',
      reuse: flags.reuse || undefined,
      log,
    });
    try {
      const truth = await dashboardTruth(data, log);
      const server = await startServer(data.target);
      try {
        const timed = await timeDashboards(server.base, data, truth, Number(flags.repeat), log);
        return {
          database: 'PostgreSQL',
          conversions: data.conversions,
          creators: data.creatorIds.length,
          campaigns: data.campaignIds.length,
          loadSeconds: Number(data.loadSeconds.toFixed(1)),
          ...timed,
          ...truth.figures,
        };
      } finally {
        await server.stop();
      }
    } finally {
      await data.drop();
    }
  },
};

export default scenario;
