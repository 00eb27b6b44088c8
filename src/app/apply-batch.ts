import { sql } from 'kysely';
import { type Attribution, attributeOrder, type LinkCandidate, normalizeCode } from '../core/attribution.ts';
import type { Terms } from '../core/commission.ts';
import { dayOfUtc, type RateLookup } from '../core/fx.ts';
import { incomingFromStore, type IncomingOrder, type StoreOrder } from '../core/order.ts';
import type { RefundFact } from '../core/sale-value.ts';
import { type BaseStatus, resolveOrderState, type StoreStatus } from '../core/status.ts';
import type { Db } from '../db/connect.ts';
import type { DeliveryFacts } from '../stores/facts.ts';
import { termsFromRow, type TermsRow } from './commission-terms.ts';
import { figure, type FigureInput, nullableBigint } from './figures.ts';
import { orderLockKey, orderVersionFromRow } from './store-orders.ts';

// A batch of store deliveries applied with a fixed number of statements, whatever its size:
// every order of the batch is locked at once, what the rules read (orders, refunds,
// conversions, the account, code owners, links, terms, rates) is read once for the whole
// batch, the deliveries are applied in memory in the order the caller gives, with the same
// rules as one delivery at a time (store-orders.ts, ingest-order.ts), and the results are
// written with one statement per table. Every write checks it did what the memory says; if
// not (a row changed under us by a path that does not take the order lock), it throws and the
// caller applies the batch one delivery at a time instead.

export interface BatchDelivery {
  accountId: string;
  storeId: string;
  facts: DeliveryFacts;
  receivedAt: Date;
}

const sep = '\u0000';
const orderKey = (accountId: string, storeId: string, externalId: string) => `${accountId}${sep}${storeId}${sep}${externalId}`;
const refundKey = (accountId: string, storeId: string, refundId: string) => `${accountId}${sep}${storeId}${sep}${refundId}`;
const externalIdOf = (facts: DeliveryFacts) =>
  facts.kind === 'order' ? facts.order.externalId : facts.kind === 'refund' ? facts.orderExternalId : facts.externalId;

/** An order row's columns that ingestOrder writes. */
interface OrderValues {
  number: string;
  currency: string;
  placed_at: Date;
  store_updated_at: Date;
  base_status: BaseStatus;
  gross_minor: string;
  refunded_minor: string;
  status: StoreStatus;
  amount_minor: string;
  codes: string[];
  ref: string | null;
  country: string | null;
  subtotal_minor: string | null;
  current_minor: string | null;
}

interface ConversionState {
  id: string | null;
  currency: string;
  orderDate: Date;
  approval: 'approved' | 'rejected';
  status: StoreStatus;
  amountMinor: bigint;
  termsPercent: string | null;
  termsFixedMinor: bigint | null;
  termsFixedCurrency: string | null;
  attribution: Attribution | null;
  changed: boolean;
}

interface OrderState {
  accountId: string;
  storeId: string;
  externalId: string;
  /** The order id when the row exists before this batch. */
  id: string | null;
  row: OrderValues | null;
  /** Written by this batch: inserted (no id before) or updated. */
  written: boolean;
  /** Created in this batch, so attributed with the version that created it. */
  created: IncomingOrder | null;
  conversion: ConversionState | null;
}

interface RefundRow {
  orderExternalId: string;
  amountMinor: bigint;
  added: boolean;
}

/** Applies the deliveries, in the order given, in the caller's transaction. */
export async function applyBatch(trx: Db, deliveries: readonly BatchDelivery[]): Promise<void> {
  if (deliveries.length === 0) return;
  const orders = new Map<string, OrderState>();
  const refundIds = new Map<string, { accountId: string; storeId: string; refundId: string }>();
  for (const d of deliveries) {
    const externalId = externalIdOf(d.facts);
    const key = orderKey(d.accountId, d.storeId, externalId);
    if (!orders.has(key)) {
      orders.set(key, { accountId: d.accountId, storeId: d.storeId, externalId, id: null, row: null, written: false, created: null, conversion: null });
    }
    const refunds = d.facts.kind === 'order' ? d.facts.order.refunds : d.facts.kind === 'refund' ? [d.facts.refund] : [];
    for (const r of refunds) refundIds.set(refundKey(d.accountId, d.storeId, r.id), { accountId: d.accountId, storeId: d.storeId, refundId: r.id });
  }
  const states = [...orders.values()];

  // Every order of the batch, locked in one global order (the key's), as lockOrder does one by
  // one; then the accounts read with a key-share lock, as ingestOrder does: a change of default
  // currency waits for this batch, or this batch for it. The row locks are taken after every
  // advisory lock (the aggregate ends first), and a row lock reads the row's latest version.
  const lockKeys = [...new Set(states.map((s) => orderLockKey(s, s.externalId)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const accountIds = [...new Set(states.map((s) => s.accountId))];
  const accountRows = await sql<{ id: string; default_currency: string }>`/* statement: apply.lock-accounts */
    select a.id, a.default_currency
    from accounts a,
         (select count(pg_advisory_xact_lock(hashtextextended(k, 0)))::int as n from unnest(${lockKeys}::text[]) as u(k)) l
    where a.id = any(${accountIds}::bigint[]) and l.n = ${lockKeys.length}
    order by a.id
    for key share of a`.execute(trx);
  if (accountRows.rows.length !== accountIds.length) throw new Error('an account of the batch was not found');
  const defaultCurrency = new Map(accountRows.rows.map((a) => [a.id, a.default_currency]));

  const stateAccounts = states.map((s) => s.accountId);
  const stateStores = states.map((s) => s.storeId);
  const stateExternal = states.map((s) => s.externalId);
  // The batch's orders, read after the locks (a new snapshot), with the refunds known for them
  // and any row of the batch's refund ids (the first stored for an id counts, whichever order it
  // came with): one statement, its rows told apart by refund_id.
  const wantedRefunds = [...refundIds.values()];
  const read = await sql<
    Partial<OrderValues> & { account_id: string; store_id: string; external_id: string; id: string | null; refund_id: string | null; refund_minor: string | null }
  >`/* statement: apply.read-orders */
    select o.account_id, o.store_id, o.external_id, o.id, o.number, o.currency, o.placed_at, o.store_updated_at, o.base_status,
           o.gross_minor, o.refunded_minor, o.status, o.amount_minor, o.codes, o.ref, o.country, o.subtotal_minor, o.current_minor,
           null::text as refund_id, null::bigint as refund_minor
    from unnest(${stateAccounts}::bigint[], ${stateStores}::bigint[], ${stateExternal}::text[]) as u(account_id, store_id, external_id)
    join orders o on o.account_id = u.account_id and o.store_id = u.store_id and o.external_id = u.external_id
    union all
    select r.account_id, r.store_id, r.order_external_id, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
           r.refund_id, r.amount_minor
    from (select r.account_id, r.store_id, r.refund_id
          from unnest(${stateAccounts}::bigint[], ${stateStores}::bigint[], ${stateExternal}::text[]) as u(account_id, store_id, external_id)
          join refunds r on r.account_id = u.account_id and r.store_id = u.store_id and r.order_external_id = u.external_id
          union
          select u.account_id, u.store_id, u.refund_id
          from unnest(${wantedRefunds.map((r) => r.accountId)}::bigint[], ${wantedRefunds.map((r) => r.storeId)}::bigint[],
                      ${wantedRefunds.map((r) => r.refundId)}::text[]) as u(account_id, store_id, refund_id)) k
    join refunds r on r.account_id = k.account_id and r.store_id = k.store_id and r.refund_id = k.refund_id`.execute(trx);
  const existing: Array<{ account_id: string; id: string }> = [];
  const byOrderId = new Map<string, OrderState>();
  const refunds = new Map<string, RefundRow>();
  for (const o of read.rows) {
    const { account_id: accountId, store_id: storeId, external_id: externalId, id, refund_id: refundId, refund_minor: refundMinor, ...row } = o;
    if (refundId !== null) {
      refunds.set(refundKey(accountId, storeId, refundId), { orderExternalId: externalId, amountMinor: BigInt(refundMinor!), added: false });
      continue;
    }
    const state = orders.get(orderKey(accountId, storeId, externalId))!;
    state.id = id;
    state.row = row as OrderValues;
    byOrderId.set(`${accountId}${sep}${id}`, state);
    existing.push({ account_id: accountId, id: id! });
  }

  // The conversions of known orders, locked as ingestOrder locks the one it updates.
  if (existing.length > 0) {
    const conversions = await sql<{
      account_id: string;
      order_id: string;
      id: string;
      order_date: Date;
      approval: 'approved' | 'rejected';
      currency: string;
      status: StoreStatus;
      amount_minor: string;
      terms_percent: string | null;
      terms_fixed_minor: string | null;
      terms_fixed_currency: string | null;
    }>`/* statement: apply.read-conversions */
      select c.account_id, c.order_id, c.id, c.order_date, c.approval, c.currency, c.status, c.amount_minor,
             c.terms_percent, c.terms_fixed_minor, c.terms_fixed_currency
      from conversions c
      join unnest(${existing.map((o) => o.account_id)}::bigint[], ${existing.map((o) => o.id)}::bigint[]) as u(account_id, order_id)
        on c.account_id = u.account_id and c.order_id = u.order_id
      order by c.account_id, c.id
      for update of c`.execute(trx);
    for (const c of conversions.rows) {
      byOrderId.get(`${c.account_id}${sep}${c.order_id}`)!.conversion = {
        id: c.id,
        currency: c.currency,
        orderDate: c.order_date,
        approval: c.approval,
        status: c.status,
        amountMinor: BigInt(c.amount_minor),
        termsPercent: c.terms_percent,
        termsFixedMinor: nullableBigint(c.terms_fixed_minor),
        termsFixedCurrency: c.terms_fixed_currency,
        attribution: null,
        changed: false,
      };
    }
  }

  // In stored order: the refunds of an order as knownRefunds reads them.
  const refundsOf = (state: OrderState): RefundFact[] => {
    const list: RefundFact[] = [];
    const prefix = `${state.accountId}${sep}${state.storeId}${sep}`;
    for (const [key, r] of refunds) {
      if (key.startsWith(prefix) && r.orderExternalId === state.externalId) list.push({ id: key.slice(prefix.length), amountMinor: r.amountMinor });
    }
    return list;
  };
  const saveRefunds = (state: OrderState, list: readonly RefundFact[]): number => {
    let added = 0;
    for (const refund of list) {
      const key = refundKey(state.accountId, state.storeId, refund.id);
      if (refunds.has(key)) continue;
      refunds.set(key, { orderExternalId: state.externalId, amountMinor: refund.amountMinor, added: true });
      added += 1;
    }
    return added;
  };

  // ingestOrder, in memory: the conversion's new state is figured once everything is applied.
  const ingest = (state: OrderState, order: IncomingOrder): void => {
    const orderState = resolveOrderState({ base: order.base, grossMinor: order.grossMinor, refundedMinor: order.refundedMinor });
    const values: OrderValues = {
      number: order.number,
      currency: order.currency,
      placed_at: order.createdAt,
      store_updated_at: order.updatedAt,
      base_status: order.base,
      gross_minor: order.grossMinor.toString(),
      refunded_minor: order.refundedMinor.toString(),
      status: orderState.status,
      amount_minor: orderState.amountMinor.toString(),
      codes: order.codes,
      ref: order.ref,
      country: order.country,
      subtotal_minor: order.storeFigures?.subtotalMinor.toString() ?? null,
      current_minor: order.storeFigures?.currentMinor?.toString() ?? null,
    };
    if (state.row === null) {
      state.row = values;
      state.created = order;
    } else {
      if (state.row.store_updated_at.getTime() > order.updatedAt.getTime()) return; // stale
      state.row = { ...values, placed_at: state.row.placed_at };
    }
    state.written = true;
    if (state.conversion) {
      state.conversion.status = orderState.status;
      state.conversion.amountMinor = orderState.amountMinor;
      state.conversion.changed = true;
    }
  };
  const storedOrder = (state: OrderState): StoreOrder | null => (state.row === null ? null : orderVersionFromRow(state.externalId, state.row));

  // The deliveries, applied in memory. A conversion is opened with the version that created
  // its order, and then follows the order's later versions; so the orders created here are
  // attributed afterwards, with the code owners and links read once for all of them, and their
  // conversions take the status and amount of the order's last version.
  for (const d of deliveries) {
    const state = orders.get(orderKey(d.accountId, d.storeId, externalIdOf(d.facts)))!;
    if (d.facts.kind === 'order') {
      saveRefunds(state, d.facts.order.refunds);
      ingest(state, incomingFromStore({ ...d.facts.order, refunds: [] }, refundsOf(state)));
    } else if (d.facts.kind === 'refund') {
      if (saveRefunds(state, [d.facts.refund]) === 0) continue;
      const order = storedOrder(state);
      if (order) ingest(state, incomingFromStore(order, refundsOf(state)));
    } else {
      const order = storedOrder(state);
      if (!order) continue;
      const updatedAt = d.receivedAt > order.updatedAt ? d.receivedAt : order.updatedAt;
      ingest(state, incomingFromStore({ ...order, base: 'canceled', updatedAt }, refundsOf(state)));
    }
  }

  const created = states.filter((s) => s.created !== null);
  const terms = new Map<string, Terms>();
  const attributions = await attributeAll(trx, created, terms);
  await termsOfAll(trx, [...attributions.entries()].map(([state, a]) => ({ accountId: state.accountId, attribution: a })), terms);
  for (const [state, attribution] of attributions) {
    const t = terms.get(memberKey(state.accountId, attribution))!;
    const order = state.created!;
    state.conversion = {
      id: null,
      currency: order.currency,
      orderDate: order.createdAt,
      approval: 'approved',
      status: state.row!.status,
      amountMinor: BigInt(state.row!.amount_minor),
      termsPercent: t.percent,
      termsFixedMinor: t.fixedMinor,
      termsFixedCurrency: t.fixedCurrency,
      attribution,
      changed: true,
    };
  }

  const changedConversions = states.filter((s) => s.conversion?.changed);
  const rates = await ratesForAll(
    trx,
    changedConversions.map((s) => ({ accountId: s.accountId, conversion: s.conversion!, defaultCurrency: defaultCurrency.get(s.accountId)! })),
  );

  // Writes: refunds, orders, new conversions, changed conversions, in that order (as one by one).
  const newRefunds = [...refunds.entries()].filter(([, r]) => r.added);
  if (newRefunds.length > 0) {
    const rows = newRefunds.map(([key, r]) => {
      const [accountId, storeId, refundId] = key.split(sep) as [string, string, string];
      return { account_id: accountId, store_id: storeId, refund_id: refundId, order_external_id: r.orderExternalId, amount_minor: r.amountMinor.toString() };
    });
    const inserted = await trx
      .insertInto('refunds')
      .values(rows)
      .onConflict((oc) => oc.columns(['account_id', 'store_id', 'refund_id']).doNothing())
      .returning('refund_id')
      .execute();
    if (inserted.length !== rows.length) throw new Error('a refund of the batch was stored meanwhile');
  }

  // The writes of orders and conversions pass their columns as arrays: one statement text and
  // a fixed number of parameters whatever the batch's size.
  const written = states.filter((s) => s.written);
  if (written.length > 0) {
    const col = <T>(pick: (row: OrderValues) => T) => written.map((s) => pick(s.row!));
    // Codes are text[] per order: passed as JSON arrays, since SQL arrays cannot nest unevenly.
    const rows = await sql<{ account_id: string; store_id: string; external_id: string; id: string; inserted: boolean }>`/* statement: apply.write-orders */
      insert into orders as o (account_id, store_id, external_id, number, currency, placed_at, store_updated_at, base_status, gross_minor,
                               refunded_minor, status, amount_minor, codes, ref, country, subtotal_minor, current_minor)
      select u.account_id, u.store_id, u.external_id, u.number, u.currency, u.placed_at, u.store_updated_at, u.base_status, u.gross_minor,
             u.refunded_minor, u.status, u.amount_minor, array(select e from jsonb_array_elements_text(u.codes) with ordinality as x(e, n) order by n), u.ref, u.country,
             u.subtotal_minor, u.current_minor
      from unnest(${written.map((s) => s.accountId)}::bigint[], ${written.map((s) => s.storeId)}::bigint[], ${written.map((s) => s.externalId)}::text[],
                  ${col((r) => r.number)}::text[], ${col((r) => r.currency)}::text[], ${col((r) => r.placed_at.toISOString())}::timestamptz[],
                  ${col((r) => r.store_updated_at.toISOString())}::timestamptz[], ${col((r) => r.base_status)}::text[],
                  ${col((r) => r.gross_minor)}::bigint[], ${col((r) => r.refunded_minor)}::bigint[], ${col((r) => r.status)}::text[],
                  ${col((r) => r.amount_minor)}::bigint[], ${col((r) => JSON.stringify(r.codes))}::jsonb[], ${col((r) => r.ref)}::text[],
                  ${col((r) => r.country)}::text[], ${col((r) => r.subtotal_minor)}::bigint[], ${col((r) => r.current_minor)}::bigint[])
        as u(account_id, store_id, external_id, number, currency, placed_at, store_updated_at, base_status, gross_minor, refunded_minor,
             status, amount_minor, codes, ref, country, subtotal_minor, current_minor)
      on conflict (account_id, store_id, external_id) do update set
        number = excluded.number, currency = excluded.currency, store_updated_at = excluded.store_updated_at,
        base_status = excluded.base_status, gross_minor = excluded.gross_minor, refunded_minor = excluded.refunded_minor,
        status = excluded.status, amount_minor = excluded.amount_minor, codes = excluded.codes, ref = excluded.ref,
        country = excluded.country, subtotal_minor = excluded.subtotal_minor, current_minor = excluded.current_minor, updated_at = now()
        where o.store_updated_at <= excluded.store_updated_at
      returning o.account_id, o.store_id, o.external_id, o.id, xmax = 0 as inserted`.execute(trx);
    if (rows.rows.length !== written.length) throw new Error('an order of the batch changed meanwhile');
    for (const r of rows.rows) {
      const state = orders.get(orderKey(r.account_id, r.store_id, r.external_id))!;
      if (r.inserted !== (state.id === null)) throw new Error('an order of the batch changed meanwhile');
      state.id = r.id;
    }
  }

  const opened = changedConversions.filter((s) => s.conversion!.id === null);
  if (opened.length > 0) {
    const rows = opened.map((s) => {
      const c = s.conversion!;
      return { s, c, a: c.attribution!, f: figure(c, defaultCurrency.get(s.accountId)!, rates(s.accountId)) };
    });
    const inserted = await sql<{ id: string }>`/* statement: apply.insert-conversions */
      insert into conversions (account_id, order_id, store_id, campaign_id, creator_id, via_type, via_value, order_date, currency, status,
                               amount_minor, terms_percent, terms_fixed_minor, terms_fixed_currency, fx_missing, converted_minor,
                               commission_minor, counted)
      select * from unnest(
        ${rows.map((r) => r.s.accountId)}::bigint[], ${rows.map((r) => r.s.id!)}::bigint[], ${rows.map((r) => r.s.storeId)}::bigint[],
        ${rows.map((r) => r.a.member.campaignId)}::bigint[], ${rows.map((r) => r.a.member.creatorId)}::bigint[],
        ${rows.map((r) => r.a.via.type)}::text[], ${rows.map((r) => r.a.via.value)}::text[],
        ${rows.map((r) => r.c.orderDate.toISOString())}::timestamptz[], ${rows.map((r) => r.c.currency)}::text[], ${rows.map((r) => r.c.status)}::text[],
        ${rows.map((r) => r.c.amountMinor.toString())}::bigint[], ${rows.map((r) => r.c.termsPercent)}::numeric[],
        ${rows.map((r) => r.c.termsFixedMinor?.toString() ?? null)}::bigint[], ${rows.map((r) => r.c.termsFixedCurrency)}::text[],
        ${rows.map((r) => r.f.fx_missing)}::boolean[], ${rows.map((r) => r.f.converted_minor)}::bigint[],
        ${rows.map((r) => r.f.commission_minor)}::bigint[], ${rows.map((r) => r.f.counted)}::boolean[])
      on conflict (account_id, order_id) do nothing
      returning id`.execute(trx);
    if (inserted.rows.length !== opened.length) throw new Error('a conversion of the batch was opened meanwhile');
  }

  const kept = changedConversions.filter((s) => s.conversion!.id !== null);
  if (kept.length > 0) {
    const updates = kept.map((s) => ({ accountId: s.accountId, c: s.conversion!, f: figure(s.conversion!, defaultCurrency.get(s.accountId)!, rates(s.accountId)) }));
    await sql`/* statement: apply.update-conversions */
      update conversions c set
        status = u.status, amount_minor = u.amount_minor, fx_missing = u.fx_missing, converted_minor = u.converted_minor,
        commission_minor = u.commission_minor, counted = u.counted, updated_at = now()
      from unnest(${updates.map((u) => u.accountId)}::bigint[], ${updates.map((u) => u.c.id)}::bigint[], ${updates.map((u) => u.c.status)}::text[],
                  ${updates.map((u) => u.c.amountMinor.toString())}::bigint[], ${updates.map((u) => u.f.fx_missing)}::boolean[],
                  ${updates.map((u) => u.f.converted_minor)}::bigint[], ${updates.map((u) => u.f.commission_minor)}::bigint[],
                  ${updates.map((u) => u.f.counted)}::boolean[])
        as u(account_id, id, status, amount_minor, fx_missing, converted_minor, commission_minor, counted)
      where c.account_id = u.account_id and c.id = u.id`.execute(trx);
  }
}

/** A member's term columns with the member's key. */
type MemberTermsRow = TermsRow & { account_id: string; campaign_id: string; creator_id: string };

const memberKey = (accountId: string, a: Attribution) => `${accountId}${sep}${a.member.campaignId}${sep}${a.member.creatorId}`;

/** The member each created order goes to (attribute() in ingest-order.ts, for many orders). */
async function attributeAll(trx: Db, created: readonly OrderState[], knownTerms: Map<string, Terms>): Promise<Map<OrderState, Attribution>> {
  const result = new Map<OrderState, Attribution>();
  if (created.length === 0) return result;
  const codeAccounts: string[] = [];
  const codeNorms: string[] = [];
  for (const s of created) {
    for (const code of s.created!.codes) {
      const norm = normalizeCode(code);
      if (norm === '') continue;
      codeAccounts.push(s.accountId);
      codeNorms.push(norm);
    }
  }
  const owners =
    codeNorms.length === 0
      ? []
      : (
          await sql<MemberTermsRow & { code: string; code_norm: string; member_found: boolean }>`/* statement: apply.code-owners */
            select distinct c.account_id, c.code, c.code_norm, c.campaign_id, c.creator_id, m.creator_id is not null as member_found,
                   k.commission_percent as c_percent, k.commission_fixed_minor as c_fixed, k.commission_fixed_currency as c_fixed_currency,
                   m.commission_percent as m_percent, m.commission_fixed_minor as m_fixed, m.commission_fixed_currency as m_fixed_currency
            from unnest(${codeAccounts}::bigint[], ${codeNorms}::text[]) as u(account_id, code_norm)
            join codes c on c.account_id = u.account_id and c.code_norm = u.code_norm
            left join members m on m.account_id = c.account_id and m.campaign_id = c.campaign_id and m.creator_id = c.creator_id
            left join campaigns k on k.account_id = m.account_id and k.id = m.campaign_id`.execute(trx)
        ).rows;
  // The terms of the code owners come with them, for termsOfAll.
  for (const o of owners) if (o.member_found) knownTerms.set(`${o.account_id}${sep}${o.campaign_id}${sep}${o.creator_id}`, termsFromRow(o));
  const ownersOf = (s: OrderState) => {
    const norms = new Set(s.created!.codes.map(normalizeCode).filter((c) => c !== ''));
    return owners
      .filter((o) => o.account_id === s.accountId && norms.has(o.code_norm))
      .map((o) => ({ code: o.code, member: { campaignId: o.campaign_id, creatorId: o.creator_id } }));
  };

  // Links only matter for orders no code attributes; each is read with its latest click before the order.
  const byCode = new Map<OrderState, Attribution | null>();
  const needLink: OrderState[] = [];
  for (const s of created) {
    const order = s.created!;
    const a = attributeOrder({ codes: order.codes, ref: order.ref, createdAt: order.createdAt }, { codeOwners: ownersOf(s), link: null });
    byCode.set(s, a);
    if (!a && order.ref !== null && order.ref !== '') needLink.push(s);
  }
  const links = new Map<OrderState, LinkCandidate>();
  if (needLink.length > 0) {
    const rows = await sql<{ n: string; slug: string; campaign_id: string; creator_id: string; attribution_window_days: number; last_click_at: Date | null }>`/* statement: apply.links */
      select u.n::text as n, l.slug, l.campaign_id, l.creator_id, c.attribution_window_days,
             (select max(e.at) from link_click_events e
               where e.account_id = l.account_id and e.link_id = l.id and e.at <= u.created_at) as last_click_at
      from unnest(${needLink.map((s) => s.accountId)}::bigint[], ${needLink.map((s) => s.created!.ref!)}::text[],
                  ${needLink.map((s) => s.created!.createdAt.toISOString())}::timestamptz[]) with ordinality as u(account_id, ref, created_at, n)
      join links l on l.account_id = u.account_id and l.slug = u.ref
      join campaigns c on c.account_id = l.account_id and c.id = l.campaign_id`.execute(trx);
    for (const r of rows.rows) {
      links.set(needLink[Number(r.n) - 1]!, {
        slug: r.slug,
        member: { campaignId: r.campaign_id, creatorId: r.creator_id },
        lastClickAt: r.last_click_at === null ? null : new Date(r.last_click_at),
        windowDays: r.attribution_window_days,
      });
    }
  }
  for (const s of created) {
    const order = s.created!;
    const a = byCode.get(s) ?? attributeOrder({ codes: order.codes, ref: order.ref, createdAt: order.createdAt }, { codeOwners: ownersOf(s), link: links.get(s) ?? null });
    if (a) result.set(s, a);
  }
  return result;
}

/** Adds to `terms` those of the members new conversions go to that it does not hold yet. */
async function termsOfAll(trx: Db, wanted: ReadonlyArray<{ accountId: string; attribution: Attribution }>, terms: Map<string, Terms>): Promise<void> {
  const unique = new Map(wanted.map((w) => [memberKey(w.accountId, w.attribution), w]));
  const list = [...unique].filter(([key]) => !terms.has(key)).map(([, w]) => w);
  if (list.length === 0) return;
  const rows = await sql<MemberTermsRow>`/* statement: apply.terms */
    select m.account_id, m.campaign_id, m.creator_id,
           c.commission_percent as c_percent, c.commission_fixed_minor as c_fixed, c.commission_fixed_currency as c_fixed_currency,
           m.commission_percent as m_percent, m.commission_fixed_minor as m_fixed, m.commission_fixed_currency as m_fixed_currency
    from unnest(${list.map((w) => w.accountId)}::bigint[], ${list.map((w) => w.attribution.member.campaignId)}::bigint[],
                ${list.map((w) => w.attribution.member.creatorId)}::bigint[]) as u(account_id, campaign_id, creator_id)
    join members m on m.account_id = u.account_id and m.campaign_id = u.campaign_id and m.creator_id = u.creator_id
    join campaigns c on c.account_id = m.account_id and c.id = m.campaign_id`.execute(trx);
  for (const row of rows.rows) terms.set(`${row.account_id}${sep}${row.campaign_id}${sep}${row.creator_id}`, termsFromRow(row));
  for (const key of unique.keys()) if (!terms.has(key)) throw new Error('no member for an attributed order');
}

/**
 * The rates every figured conversion reads (ratesOnDay for each row's account, day and
 * currencies), in one query; an account's lookup refuses a pair that was not loaded.
 */
async function ratesForAll(
  trx: Db,
  rows: ReadonlyArray<{ accountId: string; conversion: FigureInput; defaultCurrency: string }>,
): Promise<(accountId: string) => RateLookup> {
  const wanted = new Map<string, { accountId: string; currency: string; day: string }>();
  for (const { accountId, conversion, defaultCurrency } of rows) {
    const day = dayOfUtc(conversion.orderDate);
    for (const currency of [conversion.currency, defaultCurrency, ...(conversion.termsFixedCurrency ? [conversion.termsFixedCurrency] : [])]) {
      if (currency !== 'EUR') wanted.set(`${accountId}${sep}${currency}${sep}${day}`, { accountId, currency, day });
    }
  }
  const found = new Map<string, string>();
  const list = [...wanted.values()];
  if (list.length > 0) {
    const result = await sql<{ n: string; per_eur: string | null }>`/* statement: apply.rates */
      select u.n::text as n, (
        select r.per_eur from (
          (select a.day, a.per_eur, 1 as own from account_fx_rates a
            where a.account_id = u.account_id and a.currency = u.currency and a.day <= u.day
            order by a.day desc limit 1)
          union all
          (select f.day, f.per_eur, 0 as own from fx_rates f
            where f.currency = u.currency and f.day <= u.day
            order by f.day desc limit 1)
        ) r order by r.day desc, r.own desc limit 1) as per_eur
      from unnest(${list.map((w) => w.accountId)}::bigint[], ${list.map((w) => w.currency)}::text[], ${list.map((w) => w.day)}::date[])
        with ordinality as u(account_id, currency, day, n)`.execute(trx);
    for (const r of result.rows) {
      const w = list[Number(r.n) - 1]!;
      if (r.per_eur) found.set(`${w.accountId}${sep}${w.currency}${sep}${w.day}`, r.per_eur);
    }
  }
  return (accountId) => (currency, onDay) => {
    if (currency === 'EUR') return '1';
    const key = `${accountId}${sep}${currency}${sep}${onDay}`;
    if (!wanted.has(key)) throw new Error(`rates were not loaded for ${currency} on ${onDay}`);
    return found.get(key);
  };
}
