import { sql } from 'kysely';
import { type Attribution, attributeOrder, type CodeOwner, type LinkCandidate, normalizeCode } from '../../core/attribution.ts';
import type { Terms } from '../../core/commission.ts';
import { dayOfUtc, type RateLookup } from '../../core/fx.ts';
import type { LedgerFact } from '../../core/ledger/facts.ts';
import type { ConversionRecord, Decision, LedgerState, OrderRecord } from '../../core/ledger/state.ts';
import type { BaseStatus, StoreStatus } from '../../core/status.ts';
import type { Db } from '../../db/connect.ts';
import { nullableBigint } from '../../db/values.ts';
import { type TermsRow, termsFromRow } from '../campaigns/commission-terms.ts';
import { rateInEffectSql } from '../fx/rates.ts';
import { lockAccount, lockOrdersAndAccounts } from './lock-orders.ts';

// The load step of the ledger's write path: for a batch of facts, with a fixed number of
// statements whatever its size, every order's stored state (order, refunds, conversion) and
// what the rules read besides (the account's currency, code owners, links, terms, rates).

const sep = '\u0000';
export const orderKey = (accountId: string, storeId: string, externalId: string) => `${accountId}${sep}${storeId}${sep}${externalId}`;

export interface LoadedOrder {
  accountId: string;
  storeId: string;
  externalId: string;
  /** The order row's id, when it is stored. */
  orderId: string | null;
  /** The conversion's id, when it is stored. */
  conversionId: string | null;
  state: LedgerState;
}

export interface LoadedBatch {
  orders: Map<string, LoadedOrder>;
  defaultCurrency: Map<string, string>;
  /** Refund ids stored for another order of the same store: they do not count for this one. */
  foreignRefunds: Set<string>;
  /** The member a new order of this key goes to, with its terms. */
  decide(at: OrderAt, order: { codes: readonly string[]; ref: string | null; createdAt: Date }): Decision | null;
  rates(accountId: string): RateLookup;
}

export interface OrderAt {
  accountId: string;
  storeId: string;
  externalId: string;
}

export interface FactAt extends OrderAt {
  fact: LedgerFact;
}

/** How a `decide` is answered: by the codes and links known now, or by decisions recorded earlier (a rebuild). */
export type Deciding = { kind: 'live' } | { kind: 'recorded'; decisions: ReadonlyMap<string, Decision> };

export const refundKey = (accountId: string, storeId: string, refundId: string) => `${accountId}${sep}${storeId}${sep}${refundId}`;

/** Locks the batch's orders and reads everything its facts need, in the caller's transaction. */
export async function loadBatch(trx: Db, facts: readonly FactAt[], deciding: Deciding, accountLocked: boolean): Promise<LoadedBatch> {
  const orders = new Map<string, LoadedOrder>();
  const refundIds = new Map<string, { accountId: string; storeId: string; refundId: string; externalId: string }>();
  for (const f of facts) {
    const key = orderKey(f.accountId, f.storeId, f.externalId);
    if (!orders.has(key)) {
      orders.set(key, {
        accountId: f.accountId,
        storeId: f.storeId,
        externalId: f.externalId,
        orderId: null,
        conversionId: null,
        state: { order: null, refunds: [], conversion: null, deletedAt: null },
      });
    }
    for (const r of refundsOf(f.fact)) {
      refundIds.set(refundKey(f.accountId, f.storeId, r.id), {
        accountId: f.accountId,
        storeId: f.storeId,
        refundId: r.id,
        externalId: f.externalId,
      });
    }
  }
  const loaded = [...orders.values()];
  const defaultCurrency = accountLocked ? await currencyOfLocked(trx, loaded) : await lockOrdersAndAccounts(trx, loaded);

  const storedRefunds = await readOrders(trx, orders, [...refundIds.values()]);
  const foreignRefunds = new Set<string>();
  for (const [key, wanted] of refundIds) {
    const owner = orders.get(orderKey(wanted.accountId, wanted.storeId, wanted.externalId))!;
    const known = owner.state.refunds.some((r) => r.id === wanted.refundId);
    if (!known && storedRefunds.has(key)) foreignRefunds.add(key);
  }
  await readConversions(trx, orders);

  // What a decision may read: the versions of orders not stored yet, and orders a backfill names.
  const asked: Array<{ accountId: string; codes: readonly string[]; ref: string | null; createdAt: Date }> = [];
  for (const f of facts) {
    const stored = orders.get(orderKey(f.accountId, f.storeId, f.externalId))!.state.order;
    if ((f.fact.kind === 'order' || f.fact.kind === 'custom_order') && stored === null) {
      asked.push({ accountId: f.accountId, codes: f.fact.order.codes, ref: f.fact.order.ref, createdAt: f.fact.order.createdAt });
    } else if (f.fact.kind === 'backfill' && stored !== null) {
      asked.push({ accountId: f.accountId, codes: stored.codes, ref: stored.ref, createdAt: stored.placedAt });
    }
  }
  const candidates = deciding.kind === 'live' ? await readCandidates(trx, asked) : null;
  const decide = (at: OrderAt, order: { codes: readonly string[]; ref: string | null; createdAt: Date }): Decision | null =>
    deciding.kind === 'recorded'
      ? (deciding.decisions.get(orderKey(at.accountId, at.storeId, at.externalId)) ?? null)
      : candidates!.decide(at.accountId, order);

  // The rates every figure of the batch may read: each order's currencies (its own, the
  // account's, the fixed parts of the terms it has or may get) on each day it may be placed.
  const wanted = new Map<string, { accountId: string; currency: string; day: string }>();
  const want = (accountId: string, currencies: Iterable<string>, days: Iterable<string>) => {
    for (const currency of currencies) {
      if (currency === 'EUR') continue;
      for (const day of days) wanted.set(`${accountId}${sep}${currency}${sep}${day}`, { accountId, currency, day });
    }
  };
  const perOrder = new Map<string, { accountId: string; currencies: Set<string>; days: Set<string> }>();
  for (const o of loaded) {
    const currencies = new Set<string>([defaultCurrency.get(o.accountId)!]);
    const days = new Set<string>();
    if (o.state.order) {
      currencies.add(o.state.order.currency);
      days.add(dayOfUtc(o.state.order.placedAt));
    }
    const fixed = o.state.conversion?.terms.fixedCurrency;
    if (fixed) currencies.add(fixed);
    perOrder.set(orderKey(o.accountId, o.storeId, o.externalId), { accountId: o.accountId, currencies, days });
  }
  for (const f of facts) {
    const entry = perOrder.get(orderKey(f.accountId, f.storeId, f.externalId))!;
    if (f.fact.kind === 'order' || f.fact.kind === 'custom_order') {
      entry.currencies.add(f.fact.order.currency);
      entry.days.add(dayOfUtc(f.fact.order.createdAt));
    }
    for (const currency of candidates?.fixedCurrencies.get(f.accountId) ?? []) entry.currencies.add(currency);
    if (deciding.kind === 'recorded') {
      const d = deciding.decisions.get(orderKey(f.accountId, f.storeId, f.externalId));
      if (d?.terms.fixedCurrency) entry.currencies.add(d.terms.fixedCurrency);
    }
  }
  for (const entry of perOrder.values()) want(entry.accountId, entry.currencies, entry.days);
  const rates = await readRates(trx, [...wanted.values()]);

  return {
    orders,
    defaultCurrency,
    foreignRefunds,
    decide,
    rates: (accountId) => (currency, onDay) => {
      if (currency === 'EUR') return '1';
      const key = `${accountId}${sep}${currency}${sep}${onDay}`;
      if (!wanted.has(key)) throw new Error(`rates were not loaded for ${currency} on ${onDay}`);
      return rates.get(key);
    },
  };
}

/** The default currency of the one account whose row the caller holds FOR UPDATE. */
async function currencyOfLocked(trx: Db, orders: readonly LoadedOrder[]): Promise<Map<string, string>> {
  const accounts = [...new Set(orders.map((o) => o.accountId))];
  if (accounts.length !== 1) throw new Error('work on a whole account takes the facts of one account');
  return new Map([[accounts[0]!, await lockAccount(trx, accounts[0]!)]]);
}

function refundsOf(fact: LedgerFact) {
  if (fact.kind === 'order') return fact.order.refunds;
  if (fact.kind === 'refund') return [fact.refund];
  return [];
}

interface OrderRow {
  account_id: string;
  store_id: string;
  external_id: string;
  id: string | null;
  number: string;
  currency: string;
  placed_at: Date;
  store_updated_at: Date;
  base_status: string;
  gross_minor: string;
  refunded_minor: string;
  status: string;
  amount_minor: string;
  codes: string[];
  ref: string | null;
  country: string | null;
  subtotal_minor: string | null;
  current_minor: string | null;
  refund_id: string | null;
  refund_minor: string | null;
  deleted_at: Date | null;
}

/**
 * The batch's orders, with the refunds stored for them; returns the keys of the batch's refund
 * ids stored for any order.
 */
async function readOrders(
  trx: Db,
  orders: Map<string, LoadedOrder>,
  wantedRefunds: ReadonlyArray<{ accountId: string; storeId: string; refundId: string }>,
): Promise<Set<string>> {
  const storedRefunds = new Set<string>();
  const list = [...orders.values()];
  const accounts = list.map((s) => s.accountId);
  const stores = list.map((s) => s.storeId);
  const external = list.map((s) => s.externalId);
  const read = await sql<OrderRow>`/* statement: apply.read-orders */
    select o.account_id, o.store_id, o.external_id, o.id, o.number, o.currency, o.placed_at, o.store_updated_at, o.base_status,
           o.gross_minor, o.refunded_minor, o.status, o.amount_minor, o.codes, o.ref, o.country, o.subtotal_minor, o.current_minor,
           null::text as refund_id, null::bigint as refund_minor, null::timestamptz as deleted_at
    from unnest(${accounts}::bigint[], ${stores}::bigint[], ${external}::text[]) as u(account_id, store_id, external_id)
    join orders o on o.account_id = u.account_id and o.store_id = u.store_id and o.external_id = u.external_id
    union all
    select d.account_id, d.store_id, d.external_id,
           null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, d.at
    from unnest(${accounts}::bigint[], ${stores}::bigint[], ${external}::text[]) as u(account_id, store_id, external_id)
    join order_deletions d on d.account_id = u.account_id and d.store_id = u.store_id and d.external_id = u.external_id
    union all
    select r.account_id, r.store_id, r.order_external_id,
           null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, r.refund_id, r.amount_minor, null
    from (select r.account_id, r.store_id, r.refund_id
          from unnest(${accounts}::bigint[], ${stores}::bigint[], ${external}::text[]) as u(account_id, store_id, external_id)
          join refunds r on r.account_id = u.account_id and r.store_id = u.store_id and r.order_external_id = u.external_id
          union
          select u.account_id, u.store_id, u.refund_id
          from unnest(${wantedRefunds.map((r) => r.accountId)}::bigint[], ${wantedRefunds.map((r) => r.storeId)}::bigint[],
                      ${wantedRefunds.map((r) => r.refundId)}::text[]) as u(account_id, store_id, refund_id)) k
    join refunds r on r.account_id = k.account_id and r.store_id = k.store_id and r.refund_id = k.refund_id
    order by refund_id nulls first`.execute(trx);
  // Refunds in the order they were stored would need a stored sequence; their sum does not depend on it.
  for (const row of read.rows) {
    if (row.deleted_at !== null) {
      const owner = orders.get(orderKey(row.account_id, row.store_id, row.external_id))!;
      owner.state = { ...owner.state, deletedAt: new Date(row.deleted_at) };
      continue;
    }
    if (row.refund_id !== null) {
      storedRefunds.add(refundKey(row.account_id, row.store_id, row.refund_id));
      const owner = orders.get(orderKey(row.account_id, row.store_id, row.external_id));
      if (owner)
        owner.state = { ...owner.state, refunds: [...owner.state.refunds, { id: row.refund_id, amountMinor: BigInt(row.refund_minor!) }] };
      continue;
    }
    const owner = orders.get(orderKey(row.account_id, row.store_id, row.external_id))!;
    owner.orderId = row.id;
    owner.state = { ...owner.state, order: orderRecordOf(row) };
  }
  return storedRefunds;
}

function orderRecordOf(row: Omit<OrderRow, 'account_id' | 'store_id' | 'id' | 'refund_id' | 'refund_minor' | 'deleted_at'>): OrderRecord {
  return {
    externalId: row.external_id,
    number: row.number,
    placedAt: new Date(row.placed_at),
    updatedAt: new Date(row.store_updated_at),
    currency: row.currency,
    base: row.base_status as BaseStatus,
    grossMinor: BigInt(row.gross_minor),
    refundedMinor: BigInt(row.refunded_minor),
    status: row.status as StoreStatus,
    amountMinor: BigInt(row.amount_minor),
    codes: row.codes,
    ref: row.ref,
    country: row.country,
    subtotalMinor: nullableBigint(row.subtotal_minor),
    currentMinor: nullableBigint(row.current_minor),
  };
}

export interface ConversionRow {
  account_id: string;
  order_id: string;
  id: string;
  campaign_id: string;
  creator_id: string;
  via_type: 'code' | 'link';
  via_value: string;
  order_date: Date;
  approval: 'approved' | 'rejected';
  currency: string;
  status: string;
  amount_minor: string;
  terms_percent: string | null;
  terms_fixed_minor: string | null;
  terms_fixed_currency: string | null;
  fx_missing: boolean;
  converted_minor: string | null;
  commission_minor: string | null;
  counted: boolean;
}

function conversionRecordOf(c: Omit<ConversionRow, 'account_id' | 'order_id' | 'id'>): ConversionRecord {
  return {
    attribution: { member: { campaignId: c.campaign_id, creatorId: c.creator_id }, via: { type: c.via_type, value: c.via_value } },
    orderDate: new Date(c.order_date),
    currency: c.currency,
    status: c.status as StoreStatus,
    approval: c.approval,
    amountMinor: BigInt(c.amount_minor),
    terms: { percent: c.terms_percent, fixedMinor: nullableBigint(c.terms_fixed_minor), fixedCurrency: c.terms_fixed_currency },
    figures: {
      fxMissing: c.fx_missing,
      convertedMinor: nullableBigint(c.converted_minor),
      commissionMinor: nullableBigint(c.commission_minor),
      counted: c.counted,
    },
  };
}

/** The conversions of the stored orders, locked in id order. */
async function readConversions(trx: Db, orders: Map<string, LoadedOrder>) {
  const stored = [...orders.values()].filter((o) => o.orderId !== null);
  if (stored.length === 0) return;
  const byOrderId = new Map(stored.map((o) => [`${o.accountId}${sep}${o.orderId}`, o]));
  const rows = await sql<ConversionRow>`/* statement: apply.read-conversions */
    select c.account_id, c.order_id, c.id, c.campaign_id, c.creator_id, c.via_type, c.via_value, c.order_date, c.approval, c.currency,
           c.status, c.amount_minor, c.terms_percent, c.terms_fixed_minor, c.terms_fixed_currency, c.fx_missing, c.converted_minor,
           c.commission_minor, c.counted
    from conversions c
    join unnest(${stored.map((o) => o.accountId)}::bigint[], ${stored.map((o) => o.orderId!)}::bigint[]) as u(account_id, order_id)
      on c.account_id = u.account_id and c.order_id = u.order_id
    order by c.account_id, c.id
    for update of c`.execute(trx);
  for (const c of rows.rows) {
    const owner = byOrderId.get(`${c.account_id}${sep}${c.order_id}`)!;
    owner.conversionId = c.id;
    owner.state = { ...owner.state, conversion: conversionRecordOf(c) };
  }
}

type MemberTermsRow = TermsRow & { account_id: string; campaign_id: string; creator_id: string };

/** Code owners and links the batch's new orders may be attributed by, with their members' terms. */
async function readCandidates(
  trx: Db,
  asked: ReadonlyArray<{ accountId: string; codes: readonly string[]; ref: string | null; createdAt: Date }>,
) {
  const codeAccounts: string[] = [];
  const codeNorms: string[] = [];
  for (const a of asked) {
    for (const code of a.codes) {
      const norm = normalizeCode(code);
      if (norm === '') continue;
      codeAccounts.push(a.accountId);
      codeNorms.push(norm);
    }
  }
  const terms = new Map<string, Terms>();
  const memberKey = (accountId: string, m: { campaignId: string; creatorId: string }) =>
    `${accountId}${sep}${m.campaignId}${sep}${m.creatorId}`;
  const owners = new Map<string, CodeOwner>();
  if (codeNorms.length > 0) {
    const rows = await sql<MemberTermsRow & { code: string; code_norm: string }>`/* statement: apply.code-owners */
      select distinct c.account_id, c.code, c.code_norm, c.campaign_id, c.creator_id,
             k.commission_percent as c_percent, k.commission_fixed_minor as c_fixed, k.commission_fixed_currency as c_fixed_currency,
             m.commission_percent as m_percent, m.commission_fixed_minor as m_fixed, m.commission_fixed_currency as m_fixed_currency
      from unnest(${codeAccounts}::bigint[], ${codeNorms}::text[]) as u(account_id, code_norm)
      join codes c on c.account_id = u.account_id and c.code_norm = u.code_norm
      join members m on m.account_id = c.account_id and m.campaign_id = c.campaign_id and m.creator_id = c.creator_id
      join campaigns k on k.account_id = m.account_id and k.id = m.campaign_id`.execute(trx);
    for (const o of rows.rows) {
      const member = { campaignId: o.campaign_id, creatorId: o.creator_id };
      owners.set(`${o.account_id}${sep}${o.code_norm}`, { code: o.code, member });
      terms.set(memberKey(o.account_id, member), termsFromRow(o));
    }
  }

  // Links, each with its latest click at or before the order's creation.
  const withRef = asked.filter((a) => a.ref !== null && a.ref !== '');
  const links = new Map<string, LinkCandidate>();
  const linkKey = (accountId: string, ref: string, createdAt: Date) => `${accountId}${sep}${ref}${sep}${createdAt.getTime()}`;
  if (withRef.length > 0) {
    const rows = await sql<
      MemberTermsRow & { n: string; slug: string; attribution_window_days: number; last_click_at: Date | null }
    >`/* statement: apply.links */
      select u.n::text as n, l.account_id, l.slug, l.campaign_id, l.creator_id, k.attribution_window_days,
             (select max(e.at) from link_click_events e
               where e.account_id = l.account_id and e.link_id = l.id and e.at <= u.created_at) as last_click_at,
             k.commission_percent as c_percent, k.commission_fixed_minor as c_fixed, k.commission_fixed_currency as c_fixed_currency,
             m.commission_percent as m_percent, m.commission_fixed_minor as m_fixed, m.commission_fixed_currency as m_fixed_currency
      from unnest(${withRef.map((a) => a.accountId)}::bigint[], ${withRef.map((a) => a.ref!)}::text[],
                  ${withRef.map((a) => a.createdAt.toISOString())}::timestamptz[]) with ordinality as u(account_id, ref, created_at, n)
      join links l on l.account_id = u.account_id and l.slug = u.ref
      join members m on m.account_id = l.account_id and m.campaign_id = l.campaign_id and m.creator_id = l.creator_id
      join campaigns k on k.account_id = l.account_id and k.id = l.campaign_id`.execute(trx);
    for (const r of rows.rows) {
      const a = withRef[Number(r.n) - 1]!;
      const member = { campaignId: r.campaign_id, creatorId: r.creator_id };
      links.set(linkKey(a.accountId, a.ref!, a.createdAt), {
        slug: r.slug,
        member,
        lastClickAt: r.last_click_at === null ? null : new Date(r.last_click_at),
        windowDays: r.attribution_window_days,
      });
      terms.set(memberKey(a.accountId, member), termsFromRow(r));
    }
  }

  // The currencies of the fixed parts of every candidate's terms, by account: a new conversion's may be any of them.
  const fixedCurrencies = new Map<string, Set<string>>();
  for (const [key, t] of terms) {
    if (!t.fixedCurrency) continue;
    const accountId = key.split(sep)[0]!;
    if (!fixedCurrencies.has(accountId)) fixedCurrencies.set(accountId, new Set());
    fixedCurrencies.get(accountId)!.add(t.fixedCurrency);
  }

  return {
    fixedCurrencies,
    decide(accountId: string, order: { codes: readonly string[]; ref: string | null; createdAt: Date }): Decision | null {
      const codeOwners: CodeOwner[] = [];
      for (const code of order.codes) {
        const owner = owners.get(`${accountId}${sep}${normalizeCode(code)}`);
        if (owner) codeOwners.push(owner);
      }
      const link = order.ref ? (links.get(linkKey(accountId, order.ref, order.createdAt)) ?? null) : null;
      const attribution: Attribution | null = attributeOrder(order, { codeOwners, link });
      if (attribution === null) return null;
      const t = terms.get(memberKey(accountId, attribution.member));
      if (!t) throw new Error('no terms were loaded for an attributed member');
      return { attribution, terms: t };
    },
  };
}

/** The rate in effect of each (account, currency, day) (rateInEffectSql). */
async function readRates(trx: Db, list: ReadonlyArray<{ accountId: string; currency: string; day: string }>): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (list.length === 0) return found;
  const result = await sql<{ n: string; per_eur: string | null }>`/* statement: apply.rates */
    select u.n::text as n, ${rateInEffectSql(sql.ref('u.account_id'), sql.ref('u.currency'), sql.ref('u.day'))} as per_eur
    from unnest(${list.map((w) => w.accountId)}::bigint[], ${list.map((w) => w.currency)}::text[], ${list.map((w) => w.day)}::date[])
      with ordinality as u(account_id, currency, day, n)`.execute(trx);
  for (const r of result.rows) {
    const w = list[Number(r.n) - 1]!;
    if (r.per_eur) found.set(`${w.accountId}${sep}${w.currency}${sep}${w.day}`, r.per_eur);
  }
  return found;
}
