import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// Every way into the ledger is kept as a delivery, so an account's ledger can be rebuilt from
// its kept deliveries (tally rebuild). Facts alone do not say who an order went to: that
// depends on the codes and links known when it first came, and the terms then. So the delivery
// that opened a conversion keeps that decision, and a rebuild replays it.
//
// Ledgers written before: the decision of each conversion is put on the first kept delivery
// of its order, and an order that came without a kept delivery (a custom store's PUT, the demo)
// is kept now as one delivery holding the order as the ledger has it.
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const at = (column: string) => `to_char(${column} at time zone 'UTC', ${ISO})`;
const DECISION = `jsonb_build_object(
      'campaignId', c.campaign_id::text, 'creatorId', c.creator_id::text,
      'via', jsonb_build_object('type', c.via_type, 'value', c.via_value),
      'terms', jsonb_build_object('percent', c.terms_percent::text, 'fixedMinor', c.terms_fixed_minor::text,
                                  'fixedCurrency', c.terms_fixed_currency))`;
const ORDER_OF_FACTS = `coalesce(d.facts->'order'->>'externalId', d.facts->>'orderExternalId', d.facts->>'externalId')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    alter table deliveries add column decision jsonb;

    -- A store's deletion of an order (WooCommerce order.deleted), kept whether or not the order
    -- is known yet: the order counts as canceled from then on, whatever version comes after.
    create table order_deletions (
      account_id bigint not null,
      store_id bigint not null,
      external_id text not null,
      at timestamptz not null,
      primary key (account_id, store_id, external_id),
      foreign key (account_id, store_id) references stores (account_id, id)
    );
    insert into order_deletions (account_id, store_id, external_id, at)
    select account_id, store_id, facts->>'externalId', min(received_at) from deliveries
    where status = 'done' and facts->>'kind' = 'order_deleted'
    group by account_id, store_id, facts->>'externalId';

    update deliveries d set decision = x.decision
    from (
      select distinct on (c.account_id, c.order_id) d.account_id, d.id, ${DECISION} as decision
      from conversions c
      join orders o on o.account_id = c.account_id and o.id = c.order_id
      join deliveries d on d.account_id = o.account_id and d.store_id = o.store_id and d.status = 'done'
                       and ${ORDER_OF_FACTS} = o.external_id
      order by c.account_id, c.order_id, d.id
    ) x
    where d.account_id = x.account_id and d.id = x.id;

    insert into deliveries (account_id, store_id, delivery_id, topic, received_at, facts, status, processed_at, decision)
    select o.account_id, o.store_id, 'kept:' || o.id::text, 'ledger/kept', o.received_at,
           case when o.subtotal_minor is null then jsonb_build_object('kind', 'custom_order', 'order', jsonb_build_object(
                  'externalId', o.external_id, 'number', o.number, 'createdAt', ${at('o.placed_at')},
                  'updatedAt', ${at('o.store_updated_at')}, 'currency', o.currency, 'grossMinor', o.gross_minor::text,
                  'refundedMinor', o.refunded_minor::text, 'base', o.base_status, 'codes', to_jsonb(o.codes), 'ref', o.ref,
                  'country', o.country))
                else jsonb_build_object('kind', 'order', 'order', jsonb_build_object(
                  'externalId', o.external_id, 'number', o.number, 'createdAt', ${at('o.placed_at')},
                  'updatedAt', ${at('o.store_updated_at')}, 'currency', o.currency, 'base', o.base_status,
                  'grossMinor', o.subtotal_minor::text, 'currentMinor', o.current_minor::text,
                  'refunds', coalesce((select jsonb_agg(jsonb_build_object('id', r.refund_id, 'amountMinor', r.amount_minor::text))
                                       from refunds r where r.account_id = o.account_id and r.store_id = o.store_id
                                                        and r.order_external_id = o.external_id), '[]'::jsonb),
                  'codes', to_jsonb(o.codes), 'ref', o.ref, 'country', o.country))
           end,
           'done', now(),
           (select ${DECISION} from conversions c where c.account_id = o.account_id and c.order_id = o.id)
    from orders o
    where not exists (select 1 from deliveries d
                      where d.account_id = o.account_id and d.store_id = o.store_id and d.status = 'done'
                        and ${ORDER_OF_FACTS} = o.external_id);
  `);
}
