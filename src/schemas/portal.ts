import { z } from 'zod';
import { ZCursor, ZMoney, ZNextCursor } from './common.ts';
import { ZPayout } from './payouts.ts';

// A creator's own page (SPEC §10, §11): what one creator sees of one brand's account through
// their link. Never customer data: no e-mail, country or customer name is in any field.

/** Orders per page of the creator's page, newest first. */
export const PORTAL_ORDERS_PAGE = 500;

export const ZPortalLink = z.object({ url: z.string().describe('the page `/portal/{token}`; a new link replaces the previous one') });

export const ZPortalLinkState = z.object({
  madeAt: z.string().nullable().describe('when the working link was made; null when the creator has none'),
});

export const ZPortalParams = z.object({ token: z.string() });
export const ZPortalQuery = z.object({ cursor: ZCursor });

export const ZPortalOrder = z
  .object({
    orderNumber: z.string(),
    orderDate: z.string(),
    campaignName: z.string(),
    amount: ZMoney.describe('the order’s counted amount, in its own currency'),
    status: z.enum(['pending', 'paid', 'partially_refunded', 'refunded', 'canceled']),
    commission: ZMoney.describe('in the account’s default currency'),
  })
  .meta({ id: 'PortalOrder' });

export const ZPortal = z
  .object({
    creator: z.object({ name: z.string() }),
    currency: z.string().describe('the account’s default currency'),
    onHold: ZMoney,
    amountDue: ZMoney,
    orders: z.array(ZPortalOrder).describe(`the creator's counted orders, newest first, at most ${PORTAL_ORDERS_PAGE} a page`),
    nextCursor: ZNextCursor,
    payouts: z.array(ZPayout).describe('the creator’s payouts, newest first'),
  })
  .meta({ id: 'Portal' });

export type TPortal = z.infer<typeof ZPortal>;
