import type { Migration, MigrationProvider } from 'kysely/migration';
import * as ledger from './0001-ledger.ts';
import * as links from './0002-links.ts';
import * as deliveries from './0003-deliveries.ts';
import * as conversionEvents from './0004-conversion-events.ts';
import * as rollups from './0005-rollups.ts';
import * as bulkEvents from './0006-bulk-events.ts';
import * as creatorRollups from './0007-creator-rollups.ts';
import * as accountDayRollups from './0008-account-day-rollups.ts';
import * as figuresInSql from './0009-figures-in-sql.ts';
import * as finerRollups from './0010-finer-rollups.ts';
import * as countedDateIndex from './0011-counted-date-index.ts';
import * as pendingOrder from './0012-pending-order.ts';
import * as deliveryAttempts from './0013-delivery-attempts.ts';
import * as rebuildableLedger from './0014-rebuildable-ledger.ts';
import * as access from './0015-access.ts';
import * as linkDomains from './0016-link-domains.ts';
import * as privacy from './0017-privacy.ts';
import * as payouts from './0018-payouts.ts';
import * as creatorPayouts from './0019-creator-payouts.ts';
import * as payoutBalances from './0020-payout-balances.ts';

// Migrations are listed here in order; names sort as they apply.
const migrations: Record<string, Migration> = {
  '0001-ledger': ledger,
  '0002-links': links,
  '0003-deliveries': deliveries,
  '0004-conversion-events': conversionEvents,
  '0005-rollups': rollups,
  '0006-bulk-events': bulkEvents,
  '0007-creator-rollups': creatorRollups,
  '0008-account-day-rollups': accountDayRollups,
  '0009-figures-in-sql': figuresInSql,
  '0010-finer-rollups': finerRollups,
  '0011-counted-date-index': countedDateIndex,
  '0012-pending-order': pendingOrder,
  '0013-delivery-attempts': deliveryAttempts,
  '0014-rebuildable-ledger': rebuildableLedger,
  '0015-access': access,
  '0016-link-domains': linkDomains,
  '0017-privacy': privacy,
  '0018-payouts': payouts,
  '0019-creator-payouts': creatorPayouts,
  '0020-payout-balances': payoutBalances,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
