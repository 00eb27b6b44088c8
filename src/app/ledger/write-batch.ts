import { sql } from 'kysely';
import type { Approval } from '../../core/approval.ts';
import type { RefundFact } from '../../core/sale-value.ts';
import type { Db } from '../../db/connect.ts';
import { type LoadedOrder, orderKey } from './load-batch.ts';

// The write step of the ledger's write path: what the core decided for a batch, written with
// one statement per table, each passing its columns as arrays (unnest) so the statement's text
// and its number of parameters do not grow with the batch. Each write checks that it did what
// the decision says (the rows are under the batch's locks); if not, it throws and the batch
// is rolled back.

export interface OrderWrites {
  order: LoadedOrder;
  refundsAdded: RefundFact[];
  orderChanged: boolean;
  /** A deletion made known by the batch. */
  deletedAt: Date | null;
  conversion: 'opened' | 'changed' | null;
  approvals: Array<{ from: Approval; to: Approval; actor: string; reason: string | null }>;
}

export async function writeBatch(trx: Db, writes: readonly OrderWrites[]): Promise<void> {
  await writeRefunds(trx, writes);
  await writeDeletions(
    trx,
    writes.filter((w) => w.deletedAt !== null),
  );
  await writeOrders(
    trx,
    writes.filter((w) => w.orderChanged),
  );
  await openConversions(
    trx,
    writes.filter((w) => w.conversion === 'opened'),
  );
  await updateConversions(
    trx,
    writes.filter((w) => w.conversion === 'changed'),
  );
  await writeApprovals(
    trx,
    writes.filter((w) => w.approvals.length > 0),
  );
}

async function writeRefunds(trx: Db, writes: readonly OrderWrites[]) {
  const rows = writes.flatMap((w) => w.refundsAdded.map((r) => ({ o: w.order, r })));
  if (rows.length === 0) return;
  const inserted = await sql<{ refund_id: string }>`/* statement: apply.write-refunds */
    insert into refunds (account_id, store_id, refund_id, order_external_id, amount_minor)
    select * from unnest(${rows.map((x) => x.o.accountId)}::bigint[], ${rows.map((x) => x.o.storeId)}::bigint[],
                         ${rows.map((x) => x.r.id)}::text[], ${rows.map((x) => x.o.externalId)}::text[],
                         ${rows.map((x) => x.r.amountMinor.toString())}::bigint[])
    on conflict (account_id, store_id, refund_id) do nothing
    returning refund_id`.execute(trx);
  if (inserted.rows.length !== rows.length) throw new Error('a refund of the batch was stored meanwhile');
}

async function writeDeletions(trx: Db, deleted: readonly OrderWrites[]) {
  if (deleted.length === 0) return;
  const inserted = await sql<{ external_id: string }>`/* statement: apply.write-deletions */
    insert into order_deletions (account_id, store_id, external_id, at)
    select * from unnest(${deleted.map((w) => w.order.accountId)}::bigint[], ${deleted.map((w) => w.order.storeId)}::bigint[],
                         ${deleted.map((w) => w.order.externalId)}::text[],
                         ${deleted.map((w) => w.deletedAt!.toISOString())}::timestamptz[])
    on conflict (account_id, store_id, external_id) do nothing
    returning external_id`.execute(trx);
  if (inserted.rows.length !== deleted.length) throw new Error('a deletion of the batch was stored meanwhile');
}

async function writeOrders(trx: Db, written: readonly OrderWrites[]) {
  if (written.length === 0) return;
  const col = <T>(pick: (o: NonNullable<LoadedOrder['state']['order']>) => T) => written.map((w) => pick(w.order.state.order!));
  const big = (v: bigint | null) => (v === null ? null : v.toString());
  // Codes are text[] per order: passed as JSON arrays, since SQL arrays cannot nest unevenly.
  const rows = await sql<{
    account_id: string;
    store_id: string;
    external_id: string;
    id: string;
    inserted: boolean;
  }>`/* statement: apply.write-orders */
    insert into orders as o (account_id, store_id, external_id, number, currency, placed_at, store_updated_at, base_status, gross_minor,
                             refunded_minor, status, amount_minor, codes, ref, country, subtotal_minor, current_minor)
    select u.account_id, u.store_id, u.external_id, u.number, u.currency, u.placed_at, u.store_updated_at, u.base_status, u.gross_minor,
           u.refunded_minor, u.status, u.amount_minor,
           array(select e from jsonb_array_elements_text(u.codes) with ordinality as x(e, n) order by n),
           u.ref, u.country, u.subtotal_minor, u.current_minor
    from unnest(${written.map((w) => w.order.accountId)}::bigint[], ${written.map((w) => w.order.storeId)}::bigint[],
                ${written.map((w) => w.order.externalId)}::text[], ${col((r) => r.number)}::text[], ${col((r) => r.currency)}::text[],
                ${col((r) => r.placedAt.toISOString())}::timestamptz[], ${col((r) => r.updatedAt.toISOString())}::timestamptz[],
                ${col((r) => r.base)}::text[], ${col((r) => r.grossMinor.toString())}::bigint[],
                ${col((r) => r.refundedMinor.toString())}::bigint[],
                ${col((r) => r.status)}::text[], ${col((r) => r.amountMinor.toString())}::bigint[],
                ${col((r) => JSON.stringify(r.codes))}::jsonb[],
                ${col((r) => r.ref)}::text[], ${col((r) => r.country)}::text[], ${col((r) => big(r.subtotalMinor))}::bigint[],
                ${col((r) => big(r.currentMinor))}::bigint[])
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
  const byKey = new Map(written.map((w) => [orderKey(w.order.accountId, w.order.storeId, w.order.externalId), w.order]));
  for (const r of rows.rows) {
    const order = byKey.get(orderKey(r.account_id, r.store_id, r.external_id))!;
    if (r.inserted !== (order.orderId === null)) throw new Error('an order of the batch changed meanwhile');
    order.orderId = r.id;
  }
}

async function openConversions(trx: Db, opened: readonly OrderWrites[]) {
  if (opened.length === 0) return;
  const rows = opened.map((w) => ({ o: w.order, c: w.order.state.conversion! }));
  const big = (v: bigint | null) => (v === null ? null : v.toString());
  const inserted = await sql<{ account_id: string; order_id: string; id: string }>`/* statement: apply.insert-conversions */
    insert into conversions (account_id, order_id, store_id, campaign_id, creator_id, via_type, via_value, order_date, currency, status,
                             approval, amount_minor, terms_percent, terms_fixed_minor, terms_fixed_currency, fx_missing, converted_minor,
                             commission_minor, counted)
    select * from unnest(
      ${rows.map((r) => r.o.accountId)}::bigint[], ${rows.map((r) => r.o.orderId!)}::bigint[], ${rows.map((r) => r.o.storeId)}::bigint[],
      ${rows.map((r) => r.c.attribution.member.campaignId)}::bigint[], ${rows.map((r) => r.c.attribution.member.creatorId)}::bigint[],
      ${rows.map((r) => r.c.attribution.via.type)}::text[], ${rows.map((r) => r.c.attribution.via.value)}::text[],
      ${rows.map((r) => r.c.orderDate.toISOString())}::timestamptz[], ${rows.map((r) => r.c.currency)}::text[],
      ${rows.map((r) => r.c.status)}::text[],
      ${rows.map((r) => r.c.approval)}::text[], ${rows.map((r) => r.c.amountMinor.toString())}::bigint[],
      ${rows.map((r) => r.c.terms.percent)}::numeric[],
      ${rows.map((r) => big(r.c.terms.fixedMinor))}::bigint[], ${rows.map((r) => r.c.terms.fixedCurrency)}::text[],
      ${rows.map((r) => r.c.figures.fxMissing)}::boolean[], ${rows.map((r) => big(r.c.figures.convertedMinor))}::bigint[],
      ${rows.map((r) => big(r.c.figures.commissionMinor))}::bigint[], ${rows.map((r) => r.c.figures.counted)}::boolean[])
    on conflict (account_id, order_id) do nothing
    returning account_id, order_id, id`.execute(trx);
  if (inserted.rows.length !== opened.length) throw new Error('a conversion of the batch was opened meanwhile');
  const byOrder = new Map(rows.map((r) => [`${r.o.accountId}:${r.o.orderId}`, r.o]));
  for (const c of inserted.rows) byOrder.get(`${c.account_id}:${c.order_id}`)!.conversionId = c.id;
}

async function updateConversions(trx: Db, changed: readonly OrderWrites[]) {
  if (changed.length === 0) return;
  const rows = changed.map((w) => ({ o: w.order, c: w.order.state.conversion! }));
  const big = (v: bigint | null) => (v === null ? null : v.toString());
  const updated = await sql`/* statement: apply.update-conversions */
    update conversions c set
      status = u.status, approval = u.approval, amount_minor = u.amount_minor, fx_missing = u.fx_missing,
      converted_minor = u.converted_minor, commission_minor = u.commission_minor, counted = u.counted, updated_at = now()
    from unnest(${rows.map((r) => r.o.accountId)}::bigint[], ${rows.map((r) => r.o.conversionId!)}::bigint[],
                ${rows.map((r) => r.c.status)}::text[],
                ${rows.map((r) => r.c.approval)}::text[], ${rows.map((r) => r.c.amountMinor.toString())}::bigint[],
                ${rows.map((r) => r.c.figures.fxMissing)}::boolean[], ${rows.map((r) => big(r.c.figures.convertedMinor))}::bigint[],
                ${rows.map((r) => big(r.c.figures.commissionMinor))}::bigint[], ${rows.map((r) => r.c.figures.counted)}::boolean[])
      as u(account_id, id, status, approval, amount_minor, fx_missing, converted_minor, commission_minor, counted)
    where c.account_id = u.account_id and c.id = u.id`.execute(trx);
  if (Number(updated.numAffectedRows ?? 0n) !== rows.length) throw new Error('a conversion of the batch changed meanwhile');
}

async function writeApprovals(trx: Db, reviewed: readonly OrderWrites[]) {
  const rows = reviewed.flatMap((w) => w.approvals.map((a) => ({ o: w.order, a })));
  if (rows.length === 0) return;
  await sql`
    insert into approval_events (account_id, conversion_id, actor, from_approval, to_approval, reason)
    select * from unnest(${rows.map((r) => r.o.accountId)}::bigint[], ${rows.map((r) => r.o.conversionId!)}::bigint[],
                         ${rows.map((r) => r.a.actor)}::text[], ${rows.map((r) => r.a.from)}::text[], ${rows.map((r) => r.a.to)}::text[],
                         ${rows.map((r) => r.a.reason)}::text[])`.execute(trx);
}
