// The one catalogue of errors a client can see: a stable code, its HTTP status and a message
// that is safe to show. Anything else becomes `internal` and its details stay in the log.
export const ERRORS = {
  invalid_input: { status: 400, message: 'The request is not valid.' },
  unauthenticated: { status: 401, message: 'Sign in or send an API key.' },
  invalid_credentials: { status: 401, message: 'The e-mail or password is wrong.' },
  invalid_signature: { status: 401, message: 'The webhook signature does not match.' },
  forbidden: { status: 403, message: 'Your role does not allow this.' },
  csrf_token_invalid: { status: 403, message: 'The X-CSRF-Token header is missing or wrong.' },
  wrong_password: { status: 403, message: 'The current password is wrong.' },
  session_required: { status: 403, message: 'Only a signed-in user can do this; an API key cannot.' },
  not_found: { status: 404, message: 'Not found.' },
  email_taken: { status: 409, message: 'A user with this e-mail already exists.' },
  code_taken: { status: 409, message: 'Another member holds this code.' },
  already_rejected: { status: 409, message: 'The conversion is already rejected.' },
  already_approved: { status: 409, message: 'The conversion is already approved.' },
  member_removed: { status: 409, message: 'The creator is not an active member of this campaign.' },
  creator_removed: { status: 409, message: 'The creator has been removed from the Community.' },
  payout_not_pending: { status: 409, message: 'The payout is no longer pending: a paid or canceled payout never changes.' },
  last_admin: { status: 409, message: 'The account must keep at least one admin.' },
  payload_too_large: { status: 413, message: 'The body is larger than allowed.' },
  unsupported_currency: { status: 422, message: 'The currency is not an ISO 4217 code.' },
  currency_mismatch: { status: 422, message: "The order's currency is not the store's currency." },
  wrong_platform: { status: 422, message: 'This store does not take orders through this API.' },
  invalid_amount: { status: 422, message: 'The amount is not a valid decimal for its currency.' },
  wrong_currency: { status: 422, message: "The amount is not in the account's default currency." },
  invalid_fx_file: { status: 422, message: 'The file is not an ECB reference-rate file.' },
  invalid_time_zone: { status: 422, message: 'The time zone is not a known IANA zone.' },
  destination_not_allowed: {
    status: 422,
    message: "The link's destination is not on a domain of the account's stores or its list of link domains.",
  },
  rate_limited: { status: 429, message: 'Too many attempts. Try again later.' },
  internal: { status: 500, message: 'Something went wrong on our side.' },
  // The database is away (a restart, a failover): nothing was kept; the same request succeeds later.
  unavailable: { status: 503, message: 'The service is briefly unavailable; nothing was changed. Try again shortly.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message?: string) {
    super(message ?? ERRORS[code].message);
    this.code = code;
    this.status = ERRORS[code].status;
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found.`);
