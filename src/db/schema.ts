import type { ColumnType, Generated } from 'kysely';

// Row types of the tables. Both drivers are set to return int8 and numeric as strings and
// dates as 'YYYY-MM-DD' strings (see connect.ts), so ids, minor amounts and rates arrive as
// strings and are converted in one place: the queries that read them.
type Bigint = ColumnType<string, string | bigint, string | bigint>;
type NullableBigint = ColumnType<string | null, string | bigint | null, string | bigint | null>;
type Numeric = ColumnType<string, string, string>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Day = ColumnType<string, string, string>;

export type Role = 'admin' | 'member' | 'viewer';
export type Platform = 'shopify' | 'woocommerce' | 'custom';

export interface AccountsTable {
  id: Generated<string>;
  name: string;
  default_currency: string;
  time_zone: string;
  created_at: Generated<Date>;
  /** The instant payout_balances split on hold from payable at (migration 0020). */
  payouts_hold_at: Generated<Date>;
}

export interface UsersTable {
  account_id: Bigint;
  id: Generated<string>;
  email: string;
  password_hash: string;
  role: Role;
  created_at: Generated<Date>;
}

export interface SessionsTable {
  account_id: Bigint;
  token_hash: string;
  user_id: Bigint;
  csrf_token: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  last_seen_at: Generated<Date>;
}

export interface ApiKeysTable {
  account_id: Bigint;
  id: Generated<string>;
  name: string;
  role: Role;
  key_hash: string;
  created_at: Generated<Date>;
  revoked_at: Timestamp | null;
  user_id: NullableBigint;
}

export interface StoresTable {
  account_id: Bigint;
  id: Generated<string>;
  platform: Platform;
  name: string;
  currency: string;
  domain: string | null;
  webhook_secret: string;
  created_at: Generated<Date>;
}

export interface FxRatesTable {
  currency: string;
  day: Day;
  per_eur: Numeric;
}

export interface AccountFxRatesTable {
  account_id: Bigint;
  currency: string;
  day: Day;
  per_eur: Numeric;
  created_at: Generated<Date>;
}

export interface CreatorsTable {
  account_id: Bigint;
  id: Generated<string>;
  name: string;
  handle: string | null;
  email: string | null;
  paypal_email: string | null;
  removed_at: Timestamp | null;
  created_at: Generated<Date>;
}

export interface CampaignsTable {
  account_id: Bigint;
  id: Generated<string>;
  name: string;
  commission_percent: Numeric | null;
  commission_fixed_minor: NullableBigint;
  commission_fixed_currency: string | null;
  attribution_window_days: Generated<number>;
  hold_days: Generated<number>;
  created_at: Generated<Date>;
}

export interface MembersTable {
  account_id: Bigint;
  campaign_id: Bigint;
  creator_id: Bigint;
  commission_percent: Numeric | null;
  commission_fixed_minor: NullableBigint;
  commission_fixed_currency: string | null;
  removed_at: Timestamp | null;
  created_at: Generated<Date>;
}

export interface CodesTable {
  account_id: Bigint;
  id: Generated<string>;
  campaign_id: Bigint;
  creator_id: Bigint;
  code: string;
  code_norm: string;
  created_at: Generated<Date>;
}

export interface OrdersTable {
  account_id: Bigint;
  id: Generated<string>;
  store_id: Bigint;
  external_id: string;
  number: string;
  currency: string;
  placed_at: Timestamp;
  store_updated_at: Timestamp;
  base_status: string;
  gross_minor: Bigint;
  refunded_minor: Bigint;
  status: string;
  amount_minor: Bigint;
  codes: ColumnType<string[], string[], string[]>;
  ref: string | null;
  country: string | null;
  subtotal_minor: NullableBigint;
  current_minor: NullableBigint;
  received_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ConversionsTable {
  account_id: Bigint;
  id: Generated<string>;
  order_id: Bigint;
  store_id: Bigint;
  campaign_id: Bigint;
  creator_id: Bigint;
  via_type: 'code' | 'link';
  via_value: string;
  order_date: Timestamp;
  currency: string;
  status: string;
  approval: Generated<'approved' | 'rejected'>;
  amount_minor: Bigint;
  terms_percent: Numeric | null;
  terms_fixed_minor: NullableBigint;
  terms_fixed_currency: string | null;
  fx_missing: boolean;
  converted_minor: NullableBigint;
  commission_minor: NullableBigint;
  counted: boolean;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ApprovalEventsTable {
  account_id: Bigint;
  id: Generated<string>;
  conversion_id: Bigint;
  at: Generated<Date>;
  actor: string;
  from_approval: string;
  to_approval: string;
  reason: string | null;
}

export interface LinksTable {
  account_id: Bigint;
  id: Generated<string>;
  slug: string;
  campaign_id: Bigint;
  creator_id: Bigint;
  destination: string;
  visitor_salt: string;
  created_at: Generated<Date>;
}

export interface LinkDomainsTable {
  account_id: Bigint;
  domain: string;
  created_at: Generated<Date>;
}

export interface LinkClicksTable {
  account_id: Bigint;
  link_id: Bigint;
  day: Day;
  total: Bigint;
  unique_visitors: Bigint;
}

export interface LinkClickVisitorsTable {
  account_id: Bigint;
  link_id: Bigint;
  day: Day;
  visitor_hash: string;
}

export interface LinkClickEventsTable {
  account_id: Bigint;
  link_id: Bigint;
  at: Timestamp;
}

export interface DeliveriesTable {
  account_id: Bigint;
  id: Generated<string>;
  store_id: Bigint;
  delivery_id: string;
  topic: string;
  received_at: Generated<Date>;
  facts: ColumnType<unknown, string | null, string | null>;
  status: 'pending' | 'done' | 'dead';
  reason: string | null;
  raw: ColumnType<Buffer | null, Buffer | null, Buffer | null>;
  processed_at: Timestamp | null;
  /** Failures of this delivery applied on its own (migration 0013). */
  attempts: Generated<number>;
  /** Null until it fails (or its batch does); then when it is taken again, alone. */
  next_attempt_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_error: string | null;
}

/** A Shopify privacy request, as it was honoured (migration 0017). */
export interface PrivacyRequestsTable {
  account_id: Bigint;
  id: Generated<string>;
  store_id: Bigint;
  delivery_id: string;
  topic: 'customers/redact' | 'shop/redact' | 'customers/data_request';
  received_at: Generated<Date>;
  orders: number;
  bodies_erased: number;
}

export interface RefundsTable {
  account_id: Bigint;
  store_id: Bigint;
  refund_id: string;
  order_external_id: string;
  amount_minor: Bigint;
  created_at: Generated<Date>;
}

export interface OrderDeletionsTable {
  account_id: Bigint;
  store_id: Bigint;
  external_id: string;
  at: Timestamp;
}

export interface ConversionEventsTable {
  account_id: Bigint;
  id: Generated<string>;
  conversion_id: Bigint;
  at: Generated<Date>;
}

export interface RollupMemberDaysTable {
  account_id: Bigint;
  day: Day;
  campaign_id: Bigint;
  creator_id: Bigint;
  orders: Bigint;
  sales: Bigint;
  commission: Bigint;
}

export interface RollupMemberMonthsTable {
  account_id: Bigint;
  month: Day;
  campaign_id: Bigint;
  creator_id: Bigint;
  orders: Bigint;
  sales: Bigint;
  commission: Bigint;
}

export interface RollupMemberYearsTable {
  account_id: Bigint;
  year: Day;
  campaign_id: Bigint;
  creator_id: Bigint;
  orders: Bigint;
  sales: Bigint;
  commission: Bigint;
}

export interface RollupCampaignMonthsTable {
  account_id: Bigint;
  month: Day;
  campaign_id: Bigint;
  orders: Bigint;
  sales: Bigint;
  commission: Bigint;
  fx_missing: Bigint;
}

export interface RollupCampaignDaysTable {
  account_id: Bigint;
  day: Day;
  campaign_id: Bigint;
  orders: Bigint;
  sales: Bigint;
  commission: Bigint;
  fx_missing: Bigint;
}

export interface RollupAccountDaysTable {
  account_id: Bigint;
  day: Day;
  orders: Bigint;
  sales: Bigint;
  commission: Bigint;
}

export interface RollupCreatorDaysTable {
  account_id: Bigint;
  day: Day;
  creator_id: Bigint;
  orders: Bigint;
  sales: Bigint;
  commission: Bigint;
}

export interface RollupCreatorMonthsTable {
  account_id: Bigint;
  month: Day;
  creator_id: Bigint;
  orders: Bigint;
  sales: Bigint;
  commission: Bigint;
}

export interface RollupCreatorWeeksTable {
  account_id: Bigint;
  week: Day;
  creator_id: Bigint;
  orders: Bigint;
  sales: Bigint;
  commission: Bigint;
}
export interface RollupCreatorQuartersTable {
  account_id: Bigint;
  quarter: Day;
  creator_id: Bigint;
  orders: Bigint;
  sales: Bigint;
  commission: Bigint;
}
export interface RollupCampaignHoursTable {
  account_id: Bigint;
  hour: Timestamp;
  campaign_id: Bigint;
  orders: Bigint;
  sales: Bigint;
  commission: Bigint;
}
export interface RollupCreatorYearsTable {
  account_id: Bigint;
  year: Day;
  creator_id: Bigint;
  orders: Bigint;
  sales: Bigint;
  commission: Bigint;
}

export type PayoutStatus = 'pending' | 'paid' | 'canceled';
export type PayoutMethod = 'paypal' | 'bank' | 'other';

export interface PayoutsTable {
  account_id: Bigint;
  id: Generated<string>;
  creator_id: Bigint;
  status: Generated<PayoutStatus>;
  currency: string;
  amount_minor: Bigint;
  note: string | null;
  created_by: string;
  created_at: Generated<Date>;
  paid_at: Timestamp | null;
  method: PayoutMethod | null;
  reference: string | null;
  canceled_at: Timestamp | null;
}

export interface PayoutAdjustmentsTable {
  account_id: Bigint;
  id: Generated<string>;
  creator_id: Bigint;
  kind: 'manual' | 'clawback';
  amount_minor: Bigint;
  reason: string | null;
  conversion_id: NullableBigint;
  actor: string;
  created_at: Generated<Date>;
}

export interface PayoutLinesTable {
  account_id: Bigint;
  id: Generated<string>;
  payout_id: Bigint;
  creator_id: Bigint;
  conversion_id: NullableBigint;
  adjustment_id: NullableBigint;
  amount_minor: Bigint;
  settled_minor: Bigint;
  released: Generated<boolean>;
}

export interface PayoutBalancesTable {
  account_id: Bigint;
  creator_id: Bigint;
  on_hold_minor: Generated<Bigint>;
  payable_minor: Generated<Bigint>;
  adjustments_minor: Generated<Bigint>;
}

export interface PayoutAuditTable {
  account_id: Bigint;
  id: Generated<string>;
  at: Generated<Date>;
  actor: string;
  action: 'authorize' | 'paid' | 'cancel' | 'adjust' | 'portal_link' | 'portal_revoke';
  payout_id: NullableBigint;
  creator_id: NullableBigint;
  detail: string;
}

export interface PortalLinksTable {
  account_id: Bigint;
  id: Generated<string>;
  creator_id: Bigint;
  token_hash: string;
  created_at: Generated<Date>;
  created_by: string;
  revoked_at: Timestamp | null;
}

export interface Database {
  accounts: AccountsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  stores: StoresTable;
  fx_rates: FxRatesTable;
  account_fx_rates: AccountFxRatesTable;
  creators: CreatorsTable;
  campaigns: CampaignsTable;
  members: MembersTable;
  codes: CodesTable;
  orders: OrdersTable;
  conversions: ConversionsTable;
  approval_events: ApprovalEventsTable;
  deliveries: DeliveriesTable;
  privacy_requests: PrivacyRequestsTable;
  refunds: RefundsTable;
  order_deletions: OrderDeletionsTable;
  conversion_events: ConversionEventsTable;
  links: LinksTable;
  link_domains: LinkDomainsTable;
  link_clicks: LinkClicksTable;
  link_click_visitors: LinkClickVisitorsTable;
  link_click_events: LinkClickEventsTable;
  rollup_member_days: RollupMemberDaysTable;
  rollup_member_months: RollupMemberMonthsTable;
  rollup_member_years: RollupMemberYearsTable;
  rollup_campaign_days: RollupCampaignDaysTable;
  rollup_campaign_months: RollupCampaignMonthsTable;
  rollup_account_days: RollupAccountDaysTable;
  rollup_creator_days: RollupCreatorDaysTable;
  rollup_creator_months: RollupCreatorMonthsTable;
  rollup_creator_years: RollupCreatorYearsTable;
  rollup_creator_weeks: RollupCreatorWeeksTable;
  rollup_creator_quarters: RollupCreatorQuartersTable;
  rollup_campaign_hours: RollupCampaignHoursTable;
  payouts: PayoutsTable;
  payout_adjustments: PayoutAdjustmentsTable;
  payout_lines: PayoutLinesTable;
  payout_audit: PayoutAuditTable;
  payout_balances: PayoutBalancesTable;
  portal_links: PortalLinksTable;
}
