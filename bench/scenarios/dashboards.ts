// Dashboards at scale: /api/dashboard, a campaign's /performance and /api/community, each for
// all time, a year, 30 days and a range cut by timestamps, and the Orders table deep into the
// data by keyset, through the real server. Ceiling: the same totals by a plain GROUP BY over
// the raw rows; every answer must equal it to the cent (the scenario throws otherwise).
// Target: p95 ≤ 50 ms for every call.
import { sql } from 'kysely';
import { addDays, inRange, parseRange, type RangeInput } from '../../src/app/range.ts';
import { toMoney } from '../../src/core/money.ts';
import { connectPostgres } from '../../src/db/connect.ts';
import { loadDataset } from '../lib/dataset.ts';
import { percentile, startServer } from '../lib/server.ts';
import type { Figures, Scenario } from '../scenario.ts';

type Sum = { key: string; orders: number; sales: string; commission: string };
type Row = { orders: number; sales: { value: string }; commission: { value: string } };

const scenario: Scenario = {
  name: 'dashboards',
  summary: 'dashboard, performance, community and Orders pages at scale; p50/p95 per call vs a plain GROUP BY; target p95 ≤ 50 ms, exact',
  flags: {
    conversions: { default: '200000', help: 'conversions loaded (the issue: 10000000)' },
    creators: { default: '5000', help: 'creators (each in one or two of the campaigns)' },
    campaigns: { default: '50', help: 'campaigns' },
    repeat: { default: '20', help: 'timed calls per endpoint and range, after 2 warm-up calls' },
  },
  async run(flags, log) {
    const repeat = Number(flags.repeat);
    const data = await loadDataset({ conversions: Number(flags.conversions), creators: Number(flags.creators), campaigns: Number(flags.campaigns), log });
    const server = await startServer(data.url);
    const conn = await connectPostgres(data.url, { max: 2 });
    const figures: Figures = { conversions: data.conversions, creators: data.creatorIds.length, campaigns: data.campaignIds.length, loadSeconds: data.loadSeconds };
    try {
      const get = async <T>(path: string): Promise<{ ms: number; body: T }> => {
        const t0 = performance.now();
        const res = await fetch(`${server.base}${path}`, { headers: { authorization: `Bearer ${data.apiKey}` } });
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

      // The biggest campaign (members are drawn with a power law, the first ones most often).
      const campaign = data.campaignIds[0]!;
      const last = data.lastDay;
      const ranges: Array<[string, RangeInput]> = [
        ['AllTime', {}],
        ['Year', { from: addDays(last, -364), to: last }],
        ['Days30', { from: addDays(last, -29), to: last }],
        ['Custom', { from: '2024-05-17T13:45:00Z', to: '2025-02-03T08:10:00+01:00' }],
      ];
      const eur = (minor: string | null) => toMoney(BigInt(minor ?? 0), data.currency).value;
      const same = (what: string, rows: Array<Row & { key: string }>, sums: Sum[]) => {
        const truth = new Map(sums.map((s) => [s.key, s]));
        for (const row of rows) {
          const t = truth.get(row.key);
          const expected = { orders: t?.orders ?? 0, sales: eur(t?.sales ?? null), commission: eur(t?.commission ?? null) };
          const got = { orders: row.orders, sales: row.sales.value, commission: row.commission.value };
          if (JSON.stringify(expected) !== JSON.stringify(got)) {
            throw new Error(`${what}: ${row.key} answered ${JSON.stringify(got)}, the GROUP BY says ${JSON.stringify(expected)}`);
          }
        }
        if (rows.filter((r) => r.orders > 0).length !== sums.length) throw new Error(`${what}: ${rows.length} rows, the GROUP BY has ${sums.length}`);
      };

      for (const [label, input] of ranges) {
        const query = new URLSearchParams(input as Record<string, string>).toString();
        const within = inRange(sql.ref('c.order_date'), parseRange(input, data.timeZone));
        // Ceiling: the plain GROUP BY over the raw rows, per campaign and per creator.
        const groupBy = async (key: 'campaign_id' | 'creator_id', campaignId?: string) => {
          const t0 = performance.now();
          const { rows } = await sql<Sum>`
            select ${sql.ref(`c.${key}`)}::text as key, count(*)::int as orders, sum(c.converted_minor)::text as sales,
                   sum(c.commission_minor)::text as commission
            from conversions c
            where c.account_id = ${data.accountId} and c.counted and ${within}
              ${campaignId ? sql`and c.campaign_id = ${campaignId}` : sql``}
            group by 1`.execute(conn.db);
          return { ms: performance.now() - t0, rows };
        };

        const dashboard = await time<{ campaigns: Array<Row & { campaignId: string }> }>(`dashboard${label}`, `/api/dashboard?${query}`);
        const byCampaign = await groupBy('campaign_id');
        figures[`groupByCampaigns${label}Ms`] = Number(byCampaign.ms.toFixed(1));
        same(`dashboard ${label}`, dashboard.campaigns.map((c) => ({ ...c, key: c.campaignId })), byCampaign.rows);

        const performance_ = await time<{ creators: Array<Row & { creatorId: string }> }>(`performance${label}`, `/api/campaigns/${campaign}/performance?${query}`);
        const inCampaign = await groupBy('creator_id', campaign);
        figures[`groupByPerformance${label}Ms`] = Number(inCampaign.ms.toFixed(1));
        same(`performance ${label}`, performance_.creators.map((c) => ({ ...c, key: c.creatorId })), inCampaign.rows);

        const community = await time<{ creators: Array<Row & { creatorId: string }> }>(`community${label}`, `/api/community?${query}`);
        const byCreator = await groupBy('creator_id');
        figures[`groupByCommunity${label}Ms`] = Number(byCreator.ms.toFixed(1));
        same(`community ${label}`, community.creators.map((c) => ({ ...c, key: c.creatorId })), byCreator.rows);
        log(`${label}: exact against the GROUP BY (${byCampaign.ms.toFixed(0)} / ${inCampaign.ms.toFixed(0)} / ${byCreator.ms.toFixed(0)} ms)`);
      }

      // The Orders table: a page of 50 at a keyset cursor 0 %, 50 % and 99 % deep, plain and filtered.
      const creator = (await sql<{ id: string }>`
        select creator_id::text as id from conversions where account_id = ${data.accountId} and campaign_id = ${campaign}
        group by 1 order by count(*) desc offset 3 limit 1`.execute(conn.db)).rows[0]!.id;
      const filters: Array<[string, string, ReturnType<typeof sql<boolean>>]> = [
        ['', '', sql<boolean>`true`],
        ['Paid', 'status=paid', sql<boolean>`c.status = 'paid'`],
        ['Creator', `creatorId=${creator}`, sql<boolean>`c.creator_id = ${creator}`],
      ];
      for (const [label, query, where] of filters) {
        const count = Number((await sql<{ n: string }>`
          select count(*) as n from conversions c where c.account_id = ${data.accountId} and c.campaign_id = ${campaign} and ${where}`.execute(conn.db)).rows[0]!.n);
        for (const depth of [0, 50, 99]) {
          let path = `/api/campaigns/${campaign}/conversions?limit=50${query ? `&${query}` : ''}`;
          if (depth > 0) {
            const at = (await sql<{ d: string; i: string }>`
              select to_char(c.order_date at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as d, c.id::text as i
              from conversions c where c.account_id = ${data.accountId} and c.campaign_id = ${campaign} and ${where}
              order by c.order_date desc, c.id desc offset ${Math.max(0, Math.min(count - 2, Math.floor((count * depth) / 100)))} limit 1`.execute(conn.db)).rows[0]!;
            path += `&cursor=${Buffer.from(JSON.stringify(at)).toString('base64url')}`;
          }
          const page = await time<{ items: unknown[] }>(`orders${label}Depth${depth}`, path);
          if (page.items.length === 0) throw new Error(`orders${label} at ${depth} %: an empty page`);
        }
      }
      return figures;
    } finally {
      await conn.close();
      await server.stop();
      await data.drop();
    }
  },
};

export default scenario;
