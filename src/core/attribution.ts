// Which campaign member an order belongs to (SPEC §5). Callers load the candidates (codes,
// the link whose slug equals the order's ref, its latest click); this decides.

// Unicode White_Space plus U+FEFF (a BOM pasted from a spreadsheet is invisible to users).
// String.prototype.trim misses U+0085 (NEL), hence the explicit class.
const EDGE_SPACE = /^[\p{White_Space}\uFEFF]+|[\p{White_Space}\uFEFF]+$/gu;

const DAY_MS = 86_400_000;

/**
 * Canonical form for comparing discount codes: trimmed, NFKC (so full-width "ＳＵＭＭＥＲ１０"
 * typed on a Japanese keyboard matches "summer10"), lower case. toLowerCase, not
 * toLocaleLowerCase: the result must not depend on the server's locale (Turkish dotted i).
 */
export function normalizeCode(code: string): string {
  // Trim after NFKC as well: NFKC can turn compatibility spaces into plain ones.
  return code.replace(EDGE_SPACE, '').normalize('NFKC').toLowerCase().normalize('NFKC').replace(EDGE_SPACE, '');
}

export type MemberRef = { campaignId: string; creatorId: string };

export type CodeOwner = {
  /** As the brand stored it; reported back in `via.value`. */
  code: string;
  member: MemberRef;
};

export type LinkCandidate = {
  slug: string;
  member: MemberRef;
  /** Latest click on this slug at or before the order's creation. */
  lastClickAt: Date | null;
  windowDays: number;
};

export type Attribution = {
  member: MemberRef;
  via: { type: 'code' | 'link'; value: string };
};

export function attributeOrder(
  order: { codes: readonly string[]; ref: string | null; createdAt: Date },
  known: { codeOwners: readonly CodeOwner[]; link: LinkCandidate | null },
): Attribution | null {
  // First owner per normalized code wins; the store guarantees one owner per code, so this
  // only makes the result deterministic if that guarantee is ever broken.
  const owners = new Map<string, CodeOwner>();
  for (const owner of known.codeOwners) {
    const key = normalizeCode(owner.code);
    if (key !== '' && !owners.has(key)) owners.set(key, owner);
  }

  // The order's own sequence decides, not the brand's list: the customer's first code wins.
  for (const code of order.codes) {
    const owner = owners.get(normalizeCode(code));
    if (owner !== undefined) return { member: owner.member, via: { type: 'code', value: owner.code } };
  }

  const link = known.link;
  if (link !== null && order.ref !== null && order.ref === link.slug && withinWindow(link, order.createdAt)) {
    return { member: link.member, via: { type: 'link', value: link.slug } };
  }
  return null;
}

// Inclusive at the boundary instant: "within 30 days" should include exactly 30 days later.
// A click after the order cannot have caused it. Invalid dates compare as NaN and fail.
function withinWindow(link: LinkCandidate, createdAt: Date): boolean {
  if (link.lastClickAt === null) return false;
  if (!Number.isFinite(link.windowDays) || link.windowDays < 0) return false;
  const elapsed = createdAt.getTime() - link.lastClickAt.getTime();
  return elapsed >= 0 && elapsed <= link.windowDays * DAY_MS;
}

/**
 * The affiliate `ref` an order carries, from the first source that has a non-empty one:
 * Shopify landing_site query, then a note/cart attribute, then WooCommerce meta_data.
 */
export function extractRef(args: {
  landingSite?: string | null;
  noteAttributes?: ReadonlyArray<{ name: string; value: unknown }> | null;
  meta?: ReadonlyArray<{ key: string; value: unknown }> | null;
}): string | null {
  const fromLanding = args.landingSite ? refFromUrl(args.landingSite) : null;
  if (fromLanding !== null) return fromLanding;

  for (const attr of args.noteAttributes ?? []) {
    if (attr?.name !== 'ref') continue;
    const value = scalarText(attr.value);
    if (value !== null) return value;
  }
  for (const entry of args.meta ?? []) {
    if (entry?.key !== 'ref') continue;
    const value = scalarText(entry.value);
    if (value !== null) return value;
  }
  return null;
}

// landing_site is usually a relative path ("/products/x?ref=abc") but can be absolute, and
// stores pass through whatever the visitor's URL held. Reading the query text directly
// avoids `new URL` throwing on odd inputs, and URLSearchParams tolerates bad escapes.
function refFromUrl(url: string): string | null {
  // The fragment goes first: a '?' inside it is not a query.
  const hash = url.indexOf('#');
  const beforeHash = hash < 0 ? url : url.slice(0, hash);
  const q = beforeHash.indexOf('?');
  if (q < 0) return null;
  const query = beforeHash.slice(q + 1);
  for (const value of new URLSearchParams(query).getAll('ref')) {
    const trimmed = value.replace(EDGE_SPACE, '');
    if (trimmed !== '') return trimmed;
  }
  return null;
}

// Attribute values are untyped JSON; a numeric slug may have been stored as a number.
function scalarText(value: unknown): string | null {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else return null;
  const trimmed = text.replace(EDGE_SPACE, '');
  return trimmed === '' ? null : trimmed;
}
