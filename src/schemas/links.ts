import { z } from 'zod';
import { normalizeDomain } from '../core/link-domains.ts';
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

const DOMAIN_HINT = 'a domain name such as shop.example.com: no scheme, port or path';
const ZDomain = zText(253, { trim: true })
  .refine((v) => normalizeDomain(v) !== null, DOMAIN_HINT)
  .meta({ description: `${DOMAIN_HINT}; kept in lower case, an international name as punycode`, example: 'brand.example.com' });

export const ZLinkDomainBody = z.object({ domain: ZDomain });
export const ZLinkDomainParams = z.object({ domain: ZDomain });

export const ZLinkDomains = z
  .object({
    domains: z.array(z.string()).describe("the domains admins added, besides the stores' domains"),
    storeDomains: z.array(z.string()).describe("the domains of the account's stores, allowed without being listed"),
  })
  .meta({ id: 'LinkDomains' });
