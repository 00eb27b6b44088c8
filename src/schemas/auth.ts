import { z } from 'zod';
import { hasControlCharacters } from '../core/limits.ts';
import { ZCurrency, ZId, ZRole, ZTimeZone, zName } from './common.ts';

export const ZEmail = z
  .email()
  .max(254)
  .refine((v) => !hasControlCharacters(v), 'holds a control character (such as NUL), which cannot be kept');
export const ZPassword = z.string().min(10, 'at least 10 characters').max(200);

export const ZAccount = z.object({ id: ZId, name: z.string(), defaultCurrency: ZCurrency, timeZone: z.string() }).meta({ id: 'Account' });
export const ZUser = z.object({ id: ZId, email: z.string(), role: ZRole }).meta({ id: 'User' });

export const ZSignupBody = z.object({
  accountName: zName(200),
  email: ZEmail,
  password: ZPassword,
  defaultCurrency: ZCurrency,
  timeZone: ZTimeZone,
});
export const ZLoginBody = z.object({ email: ZEmail, password: z.string().min(1).max(200) });
export const ZSessionReply = z.object({ account: ZAccount, user: ZUser, csrfToken: z.string() });

export const ZAccountPatch = z
  .object({ name: zName(200), defaultCurrency: ZCurrency, timeZone: ZTimeZone })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'give at least one of name, defaultCurrency, timeZone');

export const ZApiKeyBody = z.object({ name: zName(100), role: ZRole });
export const ZApiKeyCreated = z.object({ id: ZId, name: z.string(), role: ZRole, key: z.string() });
export const ZApiKey = z.object({ id: ZId, name: z.string(), role: ZRole, createdAt: z.string(), revokedAt: z.string().nullable() });

export const ZUserBody = z.object({ email: ZEmail, password: ZPassword, role: ZRole });
