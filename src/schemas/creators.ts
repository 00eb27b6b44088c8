import { z } from 'zod';
import { ZEmail } from './auth.ts';
import { ZId } from './common.ts';

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

export const ZCreatorParams = z.object({ id: ZId });
export const ZCreatorList = z.object({ items: z.array(ZCreator) });

export type CreatorBody = z.infer<typeof ZCreatorBody>;
export type CreatorPatch = z.infer<typeof ZCreatorPatch>;
