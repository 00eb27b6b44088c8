import { z } from 'zod';
import { ZAccount, ZPassword, ZUser } from './auth.ts';
import { ZRole } from './common.ts';

export const ZUserList = z.object({ items: z.array(ZUser) });
export const ZRoleBody = z.object({ role: ZRole });
export const ZPasswordReset = z.object({ password: ZPassword });
export const ZOwnPasswordBody = z.object({ currentPassword: z.string().min(1).max(200), newPassword: ZPassword });
export const ZMe = z
  .object({
    account: ZAccount,
    /** The signed-in user; null for an API key. */
    user: ZUser.nullable(),
    role: ZRole,
  })
  .meta({ id: 'Me' });
