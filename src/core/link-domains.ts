// Where an affiliate link may lead (SPEC §9): to a host on a domain of one of the account's
// stores or on the account's list of link domains, so Tally is never an open redirect. A host
// is on a domain when it is the domain or a subdomain of it: a brand owns what is under its
// domain (`www.example.com` and `shop.example.com` are on `example.com`), not what is above it
// (`example.com` is not on `shop.example.com`), nor a look-alike (`badexample.com`).

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * A domain name as the list keeps it — lower case, an IDN as punycode, no trailing dot — or
 * null when the text is not one: a scheme, a port, a path, an IP address, a single label.
 */
export function normalizeDomain(text: string): string | null {
  if (/[\s/\\:@?#%*]/.test(text)) return null;
  let host: string;
  try {
    host = new URL(`http://${text}`).hostname.replace(/\.$/, '');
  } catch {
    return null;
  }
  const labels = host.split('.');
  if (host.length > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  // An all-digit last label is an IPv4 address, never a domain.
  return /^[0-9]+$/.test(labels.at(-1)!) ? null : host;
}

/** The domain of a store's `domain` as written: bare (`shop.example.com`) or as an address (`https://shop.example.com/`). */
export function storeDomain(text: string): string | null {
  const address = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  try {
    return normalizeDomain(new URL(address).hostname);
  } catch {
    return null;
  }
}

/** The host a destination URL leads to, as compared with domains. */
export const destinationHost = (destination: string): string => new URL(destination).hostname.replace(/\.$/, '');

/** Whether `host` is one of `domains` or a subdomain of one. */
export const onDomains = (host: string, domains: readonly string[]): boolean => domains.some((d) => host === d || host.endsWith(`.${d}`));
