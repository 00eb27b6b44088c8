import { z } from 'zod';
import { ZEmail } from './auth.ts';
import { ZId } from './common.ts';

// The int8 columns hold at most 2^63 - 1: a longer id cannot exist and must not reach a query.
// Compared as text: zod runs refinements even after the shape check failed.
const INT8_MAX = '9223372036854775807';
export const ZDbId = ZId.refine(
  (v) => v.length < INT8_MAX.length || (v.length === INT8_MAX.length && v <= INT8_MAX),
  'an id fits in a signed 64-bit integer',
);

// `?removed=true` widens a list to removed entries; query strings are text.
export const ZRemovedQuery = z.object({
  removed: z.enum(['true', 'false']).optional().transform((v) => v === 'true'),
});

const ZName = z.string().trim().min(1, 'a name is required').max(200);
const ZHandle = z.string().trim().min(1).max(200);

export const ZCreator = z
  .object({ id: ZId, name: z.string(), handle: z.string().nullable(), email: z.string().nullable(), removed: z.boolean() })
  .meta({ id: 'Creator' });

export const ZCreatorBody = z.object({
  name: ZName,
  handle: ZHandle.nullish(),
  email: ZEmail.nullish(),
});

export const ZCreatorPatch = ZCreatorBody.partial().refine(
  (v) => Object.keys(v).length > 0,
  'give at least one of name, handle, email',
);

export const ZCreatorParams = z.object({ id: ZDbId });
export const ZCreatorList = z.object({ items: z.array(ZCreator) });

export type CreatorBody = z.infer<typeof ZCreatorBody>;
export type CreatorPatch = z.infer<typeof ZCreatorPatch>;
