import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// Every way into the ledger is kept as a delivery, so an account's ledger can be rebuilt from
// its kept deliveries (tally rebuild). Facts alone do not say who an order went to: that
// depends on the codes and links known when it first came, and the terms then. This migration
// kept that decision once per order (order_decisions); later versions read it from the
// conversion it opened, which holds the same columns, and no longer write order_decisions (a
// version after them drops it, once no process of this one can still be running).
//
// Ledgers written before: the decision of each conversion is kept from the conversion, and an
// order that came without a kept delivery (a custom store's PUT, the demo) is kept now as one
// delivery holding the order as the ledger has it.
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const at = (column: string) => `to_char(${column} at time zone 'UTC', ${ISO})`;
const ORDER_OF_FACTS = `coalesce(d.facts->'order'->>'externalId', d.facts->>'orderExternalId', d.facts->>'externalId')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table order_decisions (
      account_id bigint not null,
      store_id bigint not null,
      external_id text not null,
      campaign_id bigint not null,
      creator_id bigint not null,
      via_type text not null check (via_type in ('code', 'link')),
      via_value text not null,
      terms_percent numeric,
      terms_fixed_minor bigint,
      terms_fixed_currency text,
      decided_at timestamptz not null default now(),
      primary key (account_id, store_id, external_id),
      foreign key (account_id, store_id) references stores (account_id, id)
    );
    insert into order_decisions (account_id, store_id, external_id, campaign_id, creator_id, via_type, via_value, terms_percent,
                                 terms_fixed_minor, terms_fixed_currency, decided_at)
    select c.account_id, o.store_id, o.external_id, c.campaign_id, c.creator_id, c.via_type, c.via_value, c.terms_percent,
           c.terms_fixed_minor, c.terms_fixed_currency, c.created_at
    from conversions c join orders o on o.account_id = c.account_id and o.id = c.order_id;

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

    insert into deliveries (account_id, store_id, delivery_id, topic, received_at, facts, status, processed_at)
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
           'done', now()
    from orders o
    where not exists (select 1 from deliveries d
                      where d.account_id = o.account_id and d.store_id = o.store_id and d.status = 'done'
                        and ${ORDER_OF_FACTS} = o.external_id);
  `,
  );
}
