import { z } from 'zod';
import { ZId, zText } from './common.ts';

const DESTINATION_HINT = 'an absolute http or https URL';

export const ZLinkBody = z.object({
  destination: zText(2000, { trim: true })
    .refine((v) => {
      try {
        const url = new URL(v);
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
      } catch {
        return false;
      }
    }, DESTINATION_HINT)
    .meta({ description: DESTINATION_HINT, example: 'https://shop.example.com/products/tee' }),
});

export const ZLink = z
  .object({ slug: z.string().describe('8 URL-safe characters'), url: z.string().describe('the short URL to share') })
  .meta({ id: 'Link' });

export const ZMemberLink = ZLink.extend({ destination: z.string() }).meta({ id: 'MemberLink' });

export const ZLinkParams = z.object({ id: ZId, creatorId: ZId });
export const ZSlugParams = z.object({ slug: z.string() });
