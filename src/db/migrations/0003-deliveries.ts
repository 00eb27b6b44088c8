import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// Store webhooks (SPEC §8). Every accepted delivery is kept, append-only, reduced to the fields
// the rules read; orders and conversions are derived from them. A delivery that cannot be
// processed stays here as a dead letter with its reason and its raw bytes, so it can be
// replayed once the cause is fixed. Refunds are kept by the store's refund id, so one that
// arrives twice (in the order and on its own) counts once.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table deliveries (
      account_id bigint not null,
      id bigint generated always as identity,
      store_id bigint not null,
      delivery_id text not null,
      topic text not null,
      received_at timestamptz not null default now(),
      -- What the rules read of the body (a StoreOrder or a refund), or null for a dead letter.
      facts jsonb,
      status text not null check (status in ('pending', 'done', 'dead')),
      reason text,
      -- The raw body of a dead letter, to parse again on replay; null once processed.
      raw bytea,
      processed_at timestamptz,
      primary key (account_id, id),
      -- A redelivery (same delivery id) is a no-op.
      unique (account_id, store_id, delivery_id),
      foreign key (account_id, store_id) references stores (account_id, id),
      check (status <> 'dead' or reason is not null)
    );
    create index deliveries_pending on deliveries (account_id, id) where status = 'pending';
    create index deliveries_dead on deliveries (account_id, store_id, id) where status = 'dead';

    create table refunds (
      account_id bigint not null,
      store_id bigint not null,
      refund_id text not null,
      order_external_id text not null,
      amount_minor bigint not null check (amount_minor >= 0),
      created_at timestamptz not null default now(),
      primary key (account_id, store_id, refund_id),
      foreign key (account_id, store_id) references stores (account_id, id)
    );
    create index refunds_order on refunds (account_id, store_id, order_external_id);

    -- A webhook URL names its store by id alone; store ids are unique across accounts.
    create unique index stores_id_key on stores (id);

    -- The store's own figures of the latest version, from which the sale value is figured
    -- again when a refund arrives on its own. Null for custom-store orders.
    alter table orders add column subtotal_minor bigint;
    alter table orders add column current_minor bigint;
  `,
  );
}
