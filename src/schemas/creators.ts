import { z } from 'zod';
import { FORMULA_TRIGGERS } from '../core/csv-cell.ts';
import { ZEmail } from './auth.ts';
import { ZCursor, ZId, ZNextCursor, ZSearch, zName, zPageLimit, zText } from './common.ts';

// `?removed=true` widens a list to removed entries; query strings are text.
export const ZRemovedQuery = z.object({
  removed: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});

const ZName = zName(200);
const ZHandle = zText(200, { trim: true }).min(1);

// The PayPal Payouts file writes it as it is, in a file that is also opened in spreadsheets: one
// beginning like a formula could not be written safely, so it is refused here.
const ZPaypalEmail = ZEmail.refine(
  (v) => !FORMULA_TRIGGERS.includes(v.charAt(0)),
  `cannot begin with ${FORMULA_TRIGGERS.filter((c) => c.trim() !== '').join(' ')}`,
).describe('where the PayPal Payouts file sends their pending payouts');

export const ZCreator = z
  .object({
    id: ZId,
    name: z.string(),
    handle: z.string().nullable(),
    email: z.string().nullable(),
    paypalEmail: z.string().nullable(),
    removed: z.boolean(),
  })
  .meta({ id: 'Creator' });

export const ZCreatorBody = z.object({
  name: ZName,
  handle: ZHandle.nullish(),
  email: ZEmail.nullish(),
  paypalEmail: ZPaypalEmail.nullish(),
});

export const ZCreatorPatch = ZCreatorBody.partial().refine(
  (v) => Object.keys(v).length > 0,
  'give at least one of name, handle, email, paypalEmail',
);

export const ZCreatorParams = z.object({ id: ZId });
export const CREATORS_PAGE_DEFAULT = 100;
export const CREATORS_PAGE_MAX = 500;

export const ZCreatorListQuery = z.object({
  removed: z
    .enum(['true', 'false', 'only'], { error: 'removed is one of true, false, only' })
    .optional()
    .describe('false (the default) lists creators still in the Community, true adds removed ones, only lists removed ones'),
  limit: zPageLimit(CREATORS_PAGE_DEFAULT, CREATORS_PAGE_MAX),
  cursor: ZCursor,
  q: ZSearch,
});
export type TCreatorListQuery = z.infer<typeof ZCreatorListQuery>;

export const ZCreatorList = z.object({ items: z.array(ZCreator).describe('oldest first'), nextCursor: ZNextCursor });

export type CreatorBody = z.infer<typeof ZCreatorBody>;
export type CreatorPatch = z.infer<typeof ZCreatorPatch>;
