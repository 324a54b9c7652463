// Every error code a Keepr client can meet, in one list: what it is called on
// the wire (extensions.code, or `code` in a JSON body), which SQLSTATE raises
// it when it comes from SQL, what kind of failure it is, and a default English
// message. server/errors.ts maps database errors with it; both apps' ApiError
// (shared/api-error.ts, the console's) carry an ErrorCode, so a misspelt or
// renamed code fails typecheck; the guest app words every code
// (web/src/error-messages.ts: a new code fails typecheck until it is worded);
// the console shows the API's message for every code, its status following the
// kind (admin/src/platform/graphql.ts). docs/error_codes.md is rendered from it
// and tests/api/error_codes.test.ts checks every errcode raised in SQL is here.
//
// Naming: what clients see is UPPER_SNAKE English words (NOT_FOUND,
// ACCESS_DENIED). Keepr's SQLSTATEs are five characters (SQL raises them and
// cannot be renamed without a migration); `sqlstate` says which one maps to
// the code. A `hint` on a Keepr exception goes out as extensions.reason.
//
// Runs in the browser and in Node: no imports, plain data.

/** What a client does about an error (the console's HTTP-like status follows from it). */
export type ErrorKind =
  /** The request as sent is refused: correct it (a field, a date, a choice). */
  | "input"
  /** Sign in (again). */
  | "auth"
  /** Signed in, but not allowed to do this. */
  | "forbidden"
  /** No such thing, or the caller may not see it (the same answer for both). */
  | "not_found"
  /** The state of things does not allow it now: reload, act, try again. */
  | "conflict"
  /** Too many attempts: wait. */
  | "throttled"
  /** Busy, restarting or unreachable: retry as is. */
  | "transient"
  /** Took too long and was cancelled. */
  | "timeout"
  /** A fault on Keepr's side: logged with the request id. */
  | "internal"
  /** The client sent a request the API cannot read (a bug, or an outdated page). */
  | "request";

/** Where a code is answered. */
export type ErrorSurface =
  /** extensions.code of a GraphQL error (POST/GET /graphql). */
  | "graphql"
  /** The JSON body of another HTTP endpoint ({errors: [{message, extensions: {code}}]}). */
  | "http"
  /** The realtime service (websocket upgrade, broadcast API). */
  | "realtime"
  /** Made by the browser apps themselves (no answer, an unreadable answer). */
  | "app"
  /** Made by the staff console only (a screen asked its data layer for something it does not do). */
  | "console";

export interface ErrorCodeSpec {
  readonly kind: ErrorKind;
  readonly surfaces: readonly ErrorSurface[];
  /** Keepr's own SQLSTATE raising it (`raise exception using errcode = '…'`). */
  readonly sqlstate?: string;
  /** A default English message; errors from SQL carry their own, more precise one. */
  readonly message: string;
  /** For docs/error_codes.md: which operations or endpoints answer it. */
  readonly raisedBy: string;
  /** For docs/error_codes.md: when it happens, extensions.reason, what to do (Markdown). */
  readonly details?: string;
  /** HTTP status(es) when it is an HTTP answer rather than a GraphQL error in a 200. */
  readonly http?: string;
  /** Raised and emitted nowhere today, kept for a reason (said here). */
  readonly reserved?: string;
}

const sqlRaised = ["graphql"] as const;

/** A screen of the console asked its react-admin data provider for something it does not do (a bug in the console). */
const dataProviderRefusal = (message: string) =>
  ({ kind: "request", surfaces: ["console"], raisedBy: "the console's react-admin data provider", message }) as const;

export const errorCodes = {
  // ---- Keepr's own, raised in SQL ----------------------------------------
  INVALID_CREDENTIALS: {
    kind: "input", surfaces: sqlRaised, sqlstate: "CREDS", raisedBy: "`login`",
    message: "Incorrect email or password.",
    details: "The same answer for an unknown email.",
  },
  LOGIN_REQUIRED: {
    kind: "auth", surfaces: ["graphql", "http", "app"], sqlstate: "LOGIN", http: "401 (`GET /admin/api/system`)",
    raisedBy: "the console (no session); `GET /admin/api/system` without a session; the guest account functions (`attachBooking`, `guestBookingToken`, `updateGuestAccount`) without a live guest session",
    message: "You must be signed in.",
  },
  SIGN_IN_LINK_INVALID: {
    kind: "auth", surfaces: sqlRaised, sqlstate: "LINKX", raisedBy: "`completeGuestSignIn`",
    message: "This sign-in link is not valid or has expired.",
    details: "The same answer for a forged, expired (15 minutes) or already used link: ask for a new one with `requestGuestSignIn`.",
  },
  EMAIL_TAKEN: {
    kind: "input", surfaces: sqlRaised, sqlstate: "EMTKN", raisedBy: "`register`",
    message: "An account with this email already exists.",
  },
  WEAK_PASSWORD: {
    kind: "input", surfaces: sqlRaised, sqlstate: "WEAKP", raisedBy: "`register`",
    message: "That password is too weak.",
    details: "Shorter than 10 characters, longer than 72 bytes (what bcrypt reads), containing the email, a repeated pattern, or a commonly used password; the message says which.",
  },
  INVALID_EMAIL: {
    kind: "input", surfaces: sqlRaised, sqlstate: "INVEM", raisedBy: "`register`, `confirmBooking`, `setPropertyLegalDetails`, `setFolioBillTo`, `sendInvoice`, `updateReservationGuest`, `updateGuest`",
    message: "The email address does not look valid.",
    details: "`sendInvoice`: also when no address is given and the document's bill-to has none.",
  },
  INVALID_NAME: {
    kind: "input", surfaces: sqlRaised, sqlstate: "INVNM", raisedBy: "`register`, `confirmBooking`, `updateReservationGuest`, `updateGuest`, `recordRegistrationCard`",
    message: "A name is missing or too long.",
  },
  INVALID_PHONE: {
    kind: "input", surfaces: sqlRaised, sqlstate: "INVPH", raisedBy: "`confirmBooking`, `updateReservationGuest`, `updateGuest`",
    message: "The phone number does not look valid.",
  },
  INVALID_TIME_ZONE: {
    kind: "input", surfaces: sqlRaised, sqlstate: "INVTZ", raisedBy: "properties trigger",
    message: "Unknown IANA time zone.",
  },
  APPEND_ONLY: {
    kind: "input", surfaces: sqlRaised, sqlstate: "APPND", raisedBy: "audit trigger; issued invoices, postings and payout lines",
    message: "This record is append-only.",
    details: "UPDATE, DELETE and TRUNCATE are refused, for every role.",
  },
  NOT_FOUND: {
    kind: "not_found", surfaces: ["graphql", "http", "realtime", "app"], sqlstate: "NTFND", http: "404 (other endpoints)",
    raisedBy: "booking, money and staff functions; every `delete…` mutation; `GET /invoices/:id`, `GET /calendar/:id.ics`, exports, static files, unknown endpoints",
    message: "No such record, or you may not see it.",
    details: "The same answer for both. `confirmBooking`: no such hold, or not yours (give the `holdToken` `createHold` returned). A delete that matched no row (not there, hidden by RLS, or its DELETE policy refuses you) answers \"No such record, or you may not delete it.\" with a `null` payload. Over HTTP: no such endpoint, export, file or payment provider.",
  },
  ACCESS_DENIED: {
    kind: "forbidden", surfaces: ["graphql", "http"], sqlstate: "DNIED", http: "403 (`GET /admin/api/system`)",
    raisedBy: "staff functions; `modifyReservation` and `quoteChange` for guests; `GET /admin/api/system` for a guest or staff who is not owner or manager",
    message: "Your role may not do this.",
    details: "You are staff at this property, but your role may not do this; or, for a guest changing their booking online, the booking does not allow it: `extensions.reason` is `NOT_CONFIRMED`, `RATE_PLAN`, `NOT_REFUNDABLE`, `PAST_DEADLINE` (see `Reservation.changeRefusal`) or `DATES_ONLY`.",
  },
  SOLD_OUT: {
    kind: "conflict", surfaces: sqlRaised, sqlstate: "SOLDO", raisedBy: "`quote`, `createHold`, `deskQuote`, `createDeskHold`, `modifyReservation`, `quoteGroup`, `createGroupHold`",
    message: "No unit of the room type is free for those nights.",
    details: "`quoteGroup` and `createGroupHold` name the room (\"Room 2 (Suite): …\", `extensions.reason` `room 2`): the rooms of a type are counted together, and a group hold holds every room or none.",
  },
  RESTRICTED: {
    kind: "input", surfaces: sqlRaised, sqlstate: "RSTRC", raisedBy: "`quote`, `deskQuote`, `modifyReservation`",
    message: "The rate cannot be sold for this stay.",
    details: "`extensions.reason` is `MAX_OCCUPANCY`, `STOP_SELL`, `CLOSED_TO_ARRIVAL`, `CLOSED_TO_DEPARTURE`, `MIN_STAY`, `MAX_STAY`, `CHILD_MIN_AGE` (a child younger than the property welcomes, `quote`, `quoteChange`, `modifyReservation`) or `CHILDREN_NOT_ALLOWED` (children where the property's policy takes none).",
  },
  HOLD_EXPIRED: {
    kind: "conflict", surfaces: sqlRaised, sqlstate: "HLDEX", raisedBy: "`confirmBooking`",
    message: "The hold expired and its nights were taken by someone else.",
  },
  INVALID_TRANSITION: {
    kind: "conflict", surfaces: sqlRaised, sqlstate: "TRANS", raisedBy: "every state change",
    message: "The record's state does not allow that.",
    details: "E.g. cancelling a checked-in stay, checking in before arrival; `extensions.reason` is the current state when that is the cause.",
  },
  IDEMPOTENCY_KEY_REUSED: {
    kind: "conflict", surfaces: sqlRaised, sqlstate: "IDKEY", raisedBy: "every booking and money mutation",
    message: "This idempotency key was already used for a different request.",
  },
  IDEMPOTENCY_KEY_INVALID: {
    kind: "input", surfaces: sqlRaised, sqlstate: "IDKRQ", raisedBy: "every booking and money mutation",
    message: "The idempotency key is missing or malformed.",
    details: "Missing, shorter than 16 or longer than 200 characters, or with spaces.",
  },
  QUOTE_INVALID: {
    kind: "input", surfaces: sqlRaised, sqlstate: "QUOTE", raisedBy: "`createHold`, `createDeskHold`, `createGroupHold`",
    message: "The quote token is not one Keepr signed.",
    details: "Also a `deskQuote` token given to `createHold`, or a `quote` token given to `createDeskHold`, a `quoteGroup` token given to `createHold` or a `quote` token given to `createGroupHold`: each takes its own.",
  },
  PROMO_CODE: {
    kind: "input", surfaces: sqlRaised, sqlstate: "PROMO", raisedBy: "`quote`, `createHold`, `confirmBooking`, `quoteGroup`, `createGroupHold`, `confirmGroup`, `deskQuote`, `createDeskHold`",
    message: "This promo code cannot be used for this booking.",
    details: "`extensions.reason` is `UNKNOWN` (no such code at the property: the same for another property's code), `INACTIVE`, `NOT_YET`, `EXPIRED`, `STAY_DATES`, `RATE_PLAN` or `USED_UP` (at confirmation: the last use was taken meanwhile).",
  },
  QUOTE_EXPIRED: {
    kind: "conflict", surfaces: sqlRaised, sqlstate: "QTEXP", raisedBy: "`createHold`, `createDeskHold`",
    message: "The quote is older than its 30 minutes: quote again.",
  },
  INVALID_DATES: {
    kind: "input", surfaces: ["graphql", "console"], sqlstate: "DATES", raisedBy: "stays, blocks, rates, reports, `runPayouts`; the console's Copy a period (rate calendar)",
    message: "These dates are not possible.",
    details: "Departure not after arrival, more than 365 nights, arrival in the past at the property or more than two years ahead; a payout period that ends after today. The rate calendar's Copy a period says it before any call for a source that ends before it starts or spans over 366 days, or a target starting before today at the property (what `rateGrid` and `setRates` would refuse).",
  },
  INVALID_GUESTS: {
    kind: "input", surfaces: sqlRaised, sqlstate: "GUEST", raisedBy: "stays",
    message: "Adults must be between 1 and 50, children between 0 and 50.",
  },
  INVALID_INPUT: {
    kind: "input", surfaces: ["graphql", "http"], sqlstate: "INVLD", http: "400 (`GET /calendar/:id.ics` with a `lang` other than `en` or `pt`)",
    raisedBy: "booking and money functions; Postgres data errors (below); variables that do not match their type; `GET /calendar/:id.ics`",
    message: "A value is missing, out of range or in the wrong format.",
    details: "Another argument is out of range (hold minutes, weekdays, note length, amounts, ...); `extensions.reason`, when given, names what (see below). Also a variable that does not match its type (HTTP 400) and a malformed node id or cursor.",
  },
  UNIT_NOT_READY: {
    kind: "conflict", surfaces: sqlRaised, sqlstate: "UNRDY", raisedBy: "`checkIn`",
    message: "The unit is not ready.",
    details: "The unit is dirty (check in with `force`) or out of order (move the guest).",
  },
  UNIT_UNAVAILABLE: {
    kind: "conflict", surfaces: sqlRaised, sqlstate: "UNAVL", raisedBy: "`moveUnit`, `createBlock`, `setUnitStatus`, `deskQuote`, `createDeskHold`",
    message: "That unit is taken for some of those nights.",
    details: "`deskQuote` and `createDeskHold`: the unit the desk chose is not free for the whole stay (choose another, or any unit of the type).",
  },
  LEDGER_UNBALANCED: {
    kind: "internal", surfaces: sqlRaised, sqlstate: "UNBAL", raisedBy: "postings (at commit)",
    message: "A journal entry does not balance.",
    details: "A journal entry does not sum to zero per currency, or has one posting: an internal error, never expected from the API.",
  },
  TOO_MANY_ATTEMPTS: {
    kind: "throttled", surfaces: ["graphql", "http"], sqlstate: "LIMIT", http: "429 (the throttle)",
    raisedBy: "`lookupBooking`; the throttle in front of `login`, `lookupBooking` and `register`",
    message: "Too many attempts: wait before trying again.",
    details: "`lookupBooking`: 10 failed lookups in 15 minutes for this email or this code. The throttle ([security.md](security.md#throttling)) answers HTTP 429 with `Retry-After` and `extensions.retryAfter` (seconds); when its counters cannot be reached it answers HTTP 503 `UNAVAILABLE`.",
  },
  LAST_OWNER: {
    kind: "input", surfaces: sqlRaised, sqlstate: "OWNER", raisedBy: "changing or removing property memberships (at commit)",
    message: "The property would be left without an owner.",
    details: "Make someone else owner first.",
  },
  FOLIO_CLOSED: {
    kind: "conflict", surfaces: sqlRaised, sqlstate: "FOLCL", raisedBy: "charge posting",
    message: "The folio takes no more charges.",
    details: "The guest checked out: payments and refunds still post.",
  },
  LEGAL_DETAILS_MISSING: {
    kind: "conflict", surfaces: sqlRaised, sqlstate: "LEGAL", raisedBy: "`issueInvoice`, `issueCreditNote`",
    message: "The property's legal details are incomplete.",
    details: "The message names what is missing (legal name, street address, postal code, city, country, VAT id): fill them in with `setPropertyLegalDetails` (console: Accounting › Legal details).",
  },
  FOLIO_UNSETTLED: {
    kind: "conflict", surfaces: sqlRaised, sqlstate: "FOLUN", raisedBy: "`checkOut`",
    message: "A guest folio of the stay is not settled.",
    details: "The message names the folio and the amount (\"Folio 1 is not settled: the guest owes €232.40 …\"), `extensions.reason` is `OWED` or `CREDIT`. Take a payment, transfer it to a company's city ledger or refund the credit, then check out.",
  },
  CASH_SHIFT_REQUIRED: {
    kind: "conflict", surfaces: sqlRaised, sqlstate: "CSHRQ", raisedBy: "`takeFolioPayment`, `refundFolioPayment` with `cash`",
    message: "Open a cash shift first.",
    details: "The caller has no open cash shift at the property: open one (`openCashShift`) first.",
  },
  PAYMENT_DUE: {
    kind: "conflict", surfaces: sqlRaised, sqlstate: "PAYDU", raisedBy: "`checkIn`",
    message: "Prepayments that fell due are unpaid.",
    details: "A declined deposit, a balance due before arrival (`Reservation.unpaidPrepayment` says how much): take the payment, or check in with `acknowledgeUnpaid: true`. `extensions.reason` is `UNPAID_PREPAYMENT`.",
  },
  NO_SHOW_TOO_EARLY: {
    kind: "conflict", surfaces: sqlRaised, sqlstate: "NSHOW", raisedBy: "`markNoShow`",
    message: "It is too early to mark this stay a no-show.",
    details: "Before the property's no-show time (`noShowTime` on the day `noShowDayOffset` days after arrival, in its time zone; `Reservation.noShowFrom`): the message says when, in the property's time, and `extensions.reason` is that instant (ISO 8601, UTC).",
  },
  NO_CARD_ON_FILE: {
    kind: "conflict", surfaces: sqlRaised, sqlstate: "NOCRD", raisedBy: "`chargeCardOnFile`",
    message: "The booking has no card on file.",
    details: "Take the payment with a new card (the provider's form).",
  },
  GUEST_EMAIL_IN_USE: {
    kind: "conflict", surfaces: sqlRaised, sqlstate: "GSTEM", raisedBy: "`updateReservationGuest`, `updateGuest`",
    message: "Another guest profile at this property already has this email.",
    details: "Guest profiles are one per email at a property: keep this guest's email, or merge the two profiles.",
  },
  GUEST_OTHER_PROPERTY: {
    kind: "conflict", surfaces: sqlRaised, sqlstate: "GSTXP", raisedBy: "`mergeGuests`",
    message: "These guest profiles belong to different properties.",
    details: "Only two profiles of one property can be merged (asked by staff of both properties; anyone else gets NOT_FOUND).",
  },
  INVALID_ID_DOCUMENT: {
    kind: "input", surfaces: sqlRaised, sqlstate: "IDDOC", raisedBy: "`recordRegistrationCard`",
    message: "A field of the identity document is missing or not valid.",
    details: "`extensions.reason` names the field: `TYPE`, `NUMBER` (3 to 30 letters, digits, `<` or `-`), `COUNTRY` or `NATIONALITY` (not an ISO 3166-1 alpha-2 code), `BIRTH` (before 1900 or after today), `ISSUED` (before the date of birth or after today), `EXPIRED` (expired before today, or expiring before it was issued), `ADDRESS` (over 500 characters).",
  },
  REGISTRATION_CARD_REQUIRED: {
    kind: "conflict", surfaces: sqlRaised, sqlstate: "IDREQ", raisedBy: "`checkIn`",
    message: "Fill in the guest's registration card before check-in.",
    details: "The property requires the guest's identity document at check-in (`registrationCardRequired`): record it with `recordRegistrationCard`, then check in.",
  },
  OVERRIDE_LIMIT: {
    kind: "forbidden", surfaces: sqlRaised, sqlstate: "OVLIM", raisedBy: "`deskQuote`, `createDeskHold`",
    message: "This discount is more than your role may give here.",
    details: "The front desk may take at most the property's `deskMaxDiscountPercent` off a stay's room price (`extensions.reason` is that limit); managers and owners have no limit. `createDeskHold` checks again: a limit lowered since the quote refuses it.",
  },
  OVERRIDE_REASON_REQUIRED: {
    kind: "input", surfaces: sqlRaised, sqlstate: "OVRSN", raisedBy: "`deskQuote`",
    message: "Say why the price is changed.",
    details: "A rate override (a room price or a discount) needs a reason of 3 to 500 characters; it is kept with the reservation and shown in its history.",
  },

  // ---- Postgres errors, mapped (postgresErrors below) ----------------------
  CONFLICT: {
    kind: "conflict", surfaces: ["graphql"], raisedBy: "unique and exclusion violations",
    message: "That would duplicate an existing record.",
    details: "The booking functions turn an overlap into `SOLD_OUT` or `UNIT_UNAVAILABLE` first.",
  },
  REFERENCE: {
    kind: "conflict", surfaces: ["graphql"], raisedBy: "foreign-key violations",
    message: "That refers to a record that does not exist or is still in use.",
  },
  FORBIDDEN: {
    kind: "forbidden", surfaces: ["graphql", "realtime"], http: "403 (realtime broadcast)",
    raisedBy: "missing privileges, RLS refusing a write; a private realtime topic this identity may not join",
    message: "You are not allowed to do that.",
  },
  TIMEOUT: {
    kind: "timeout", surfaces: ["graphql"], raisedBy: "`statement_timeout`",
    message: "The request took too long and was cancelled.",
  },
  RETRY: {
    kind: "transient", surfaces: ["graphql"], raisedBy: "serialization failures, deadlocks",
    message: "The request conflicted with another; please retry.",
    details: "The server first runs the operation again itself, up to 3 times after a short random pause (every mutation is idempotent, so this is safe); a client sees `RETRY` only if the conflict persists.",
  },
  BUSY: {
    kind: "transient", surfaces: ["graphql"],
    raisedBy: "`lock_timeout`: a booking path (hold, confirm, modify, cancel, move, pin, blocks, check-in/out, no-show, channel imports) waited 2 s for a lock another transaction holds",
    message: "Someone else is changing this booking or these nights right now; please try again in a moment.",
    details: "Every booking function waits at most 2 s for a row or a room type another transaction has locked ([booking.md](booking.md#stuck-locks-fail-fast)), then gives up with nothing changed. The server does not retry it (a lock held that long is likely held longer): the client may send the same request again, with the same idempotency key, after a pause of a second or more.",
  },
  UNAVAILABLE: {
    kind: "transient", surfaces: ["graphql", "http"], http: "503",
    raisedBy: "too many connections, a restarting database or one that cannot be reached (a restart, a failover: the API's pools connect again by themselves), any connection exception (SQLSTATE class 08, e.g. PgBouncer's 08P01 while it cannot log in to the primary during a failover); the throttle and the payment webhook when they cannot reach Postgres; a guest's search, quote or other anonymous read that waited longer than twice `STATEMENT_TIMEOUT_MS` for its turn in the guest lane (`API_PUBLIC_READ_CONCURRENCY`)",
    message: "The service is busy or restarting; please retry shortly.",
  },

  // ---- The API's own ------------------------------------------------------
  INTERNAL: {
    kind: "internal", surfaces: ["graphql", "http", "realtime"], http: "500 (other endpoints)",
    raisedBy: "anything not listed here",
    message: "An unexpected error occurred. It has been logged.",
    details: "Logged with the request id (`x-request-id`).",
  },
  GRAPHQL_PARSE_FAILED: {
    kind: "request", surfaces: ["graphql"], http: "400", raisedBy: "`/graphql`",
    message: "The query is not valid GraphQL syntax.",
  },
  GRAPHQL_VALIDATION_FAILED: {
    kind: "request", surfaces: ["graphql"], http: "400", raisedBy: "`/graphql`",
    message: "The query does not match the schema or its limits.",
    details: "Unknown field, wrong argument, too deep (depth 12, list depth 4), introspection in production, a `subscription` operation (none are served; live updates come from realtime).",
  },
  QUERY_TOO_COMPLEX: {
    kind: "request", surfaces: ["graphql"], http: "400", raisedBy: "`/graphql`",
    message: "The query selects too many fields.",
    details: "More than 300 fields selected (aliases and fragment uses counted).",
  },
  BAD_REQUEST: {
    kind: "request", surfaces: ["graphql", "http"], http: "400, 413", raisedBy: "`/graphql`, the payment webhook, any endpoint",
    message: "The request could not be read.",
    details: "The body is not JSON (400), or is larger than `GRAPHQL_MAX_REQUEST_BYTES` (413); a webhook body that is not a JSON event.",
  },
  INVALID_TOKEN: {
    kind: "auth", surfaces: ["graphql", "http", "realtime"], http: "401", raisedBy: "every endpoint taking a bearer token; realtime",
    message: "The token is not valid.",
    details: "The bearer token (or realtime apikey / access_token) is malformed, forged, or claims a role it may not.",
  },
  TOKEN_EXPIRED: {
    kind: "auth", surfaces: ["graphql", "http", "realtime"], http: "401", raisedBy: "every endpoint taking a bearer token; realtime",
    message: "The token has expired: sign in again.",
  },
  EXPIRED: {
    kind: "not_found", surfaces: ["http"], http: "410", raisedBy: "`GET /exports/<token>`",
    message: "This download link has expired; request the export again.",
  },
  WEBHOOK_SIGNATURE_INVALID: {
    kind: "request", surfaces: ["http"], http: "400", raisedBy: "`POST /webhooks/payments/:provider`",
    message: "The webhook's signature does not verify.",
    details: "Missing or wrong `Simulated-Signature`.",
  },
  WEBHOOK_TIMESTAMP_STALE: {
    kind: "request", surfaces: ["http"], http: "400", raisedBy: "`POST /webhooks/payments/:provider`",
    message: "The webhook's timestamp is outside the tolerance.",
    details: "Signed more than `PAYMENT_WEBHOOK_TOLERANCE_SECONDS` away from now.",
  },

  // ---- Realtime (/realtime/v1) --------------------------------------------
  MISSING_API_KEY: {
    kind: "auth", surfaces: ["realtime"], http: "401", raisedBy: "websocket upgrade, broadcast API",
    message: "No apikey was given.",
  },
  UNSUPPORTED_VSN: {
    kind: "request", surfaces: ["realtime"], http: "400", raisedBy: "websocket upgrade",
    message: "vsn is not 1.0.0 or 2.0.0.",
  },
  SHUTTING_DOWN: {
    kind: "transient", surfaces: ["realtime"], http: "503", raisedBy: "websocket upgrade",
    message: "The server is stopping; the client reconnects.",
  },
  INVALID_JSON: {
    kind: "request", surfaces: ["realtime"], http: "400", raisedBy: "broadcast API",
    message: "The body is not JSON.",
  },
  INVALID_BROADCAST: {
    kind: "input", surfaces: ["realtime"], http: "400", raisedBy: "broadcast API",
    message: "No messages, more than 100, or a topic or event missing or over 255 bytes.",
  },
  PERSIST_NOT_SUPPORTED: {
    kind: "input", surfaces: ["realtime"], http: "400", raisedBy: "broadcast API",
    message: "persist was asked for; Keepr does not store broadcasts.",
  },
  METHOD_NOT_ALLOWED: {
    kind: "request", surfaces: ["realtime"], http: "405", raisedBy: "broadcast API",
    message: "Not a POST.",
  },
  PAYLOAD_TOO_LARGE: {
    kind: "request", surfaces: ["realtime"], http: "413", raisedBy: "broadcast API",
    message: "The body is over 1 MiB.",
  },

  // ---- Made by the browser apps ------------------------------------------
  NETWORK: {
    kind: "transient", surfaces: ["app"], raisedBy: "the console and the guest app",
    message: "Cannot reach the Keepr server. Check the connection, then try again.",
  },
  BAD_RESPONSE: {
    kind: "transient", surfaces: ["app"], raisedBy: "the console and the guest app",
    message: "The Keepr server answered without a readable body.",
    details: "An answer that is not JSON, or has neither data nor errors.",
  },

  // ---- Made by the staff console only --------------------------------------
  NOT_SUPPORTED: dataProviderRefusal("That is not available for this resource in the console."),
  INVALID_FILTER: dataProviderRefusal("The list cannot be filtered that way."),
  INVALID_SORT: dataProviderRefusal("The list cannot be sorted that way."),
  UNKNOWN_RESOURCE: dataProviderRefusal("The console has no such resource."),
  CARD_FORM_UNAVAILABLE: {
    kind: "not_found", surfaces: ["console"], raisedBy: "the console's card form (Take payment › new card)",
    message: "This Keepr server does not host the payment provider's card form (an external provider is configured).",
  },
  CARD_REFUSED: {
    kind: "input", surfaces: ["console"], raisedBy: "the console's card form (Take payment › new card)",
    message: "The card was refused by the payment provider.",
    details: "When the provider names its reason, the code is `CARD_` and the provider's code in capitals instead (e.g. `CARD_CARD_DECLINED`), with the provider's message.",
  },
} as const satisfies Record<string, ErrorCodeSpec>;

/** A code a client can see. */
export type ErrorCode = keyof typeof errorCodes;

/** The codes a GraphQL client (the console, the guest app) can be answered with, or both make themselves. */
export type ApiErrorCode = {
  [C in ErrorCode]: Exclude<(typeof errorCodes)[C]["surfaces"][number], "realtime" | "console"> extends never ? never : C;
}[ErrorCode];

export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(errorCodes, code);

/** The spec of a code, or undefined for one this build does not know (a newer server's). */
export const errorCodeSpec = (code: string): ErrorCodeSpec | undefined => (isErrorCode(code) ? errorCodes[code] : undefined);

/** Keepr's SQLSTATE → the code clients see. */
export const codeOfSqlstate: ReadonlyMap<string, ErrorCode> = new Map(
  (Object.entries(errorCodes) as Array<[ErrorCode, ErrorCodeSpec]>).flatMap(([code, spec]) => (spec.sqlstate ? [[spec.sqlstate, code] as const] : [])),
);

export interface PostgresErrorSpec {
  /** The condition name in the Postgres manual. */
  readonly name: string;
  readonly code: ErrorCode;
  /** What the client is told: it reveals nothing of the data (no DETAIL, no constraint names). */
  readonly message: string;
}

/** Standard SQLSTATEs mapped to a stable code and a message that reveals nothing. Anything else is INTERNAL. */
export const postgresErrors = {
  "23505": { name: "unique_violation", code: "CONFLICT", message: "That would duplicate an existing record." },
  "23P01": { name: "exclusion_violation", code: "CONFLICT", message: "That overlaps with an existing record." },
  "23503": { name: "foreign_key_violation", code: "REFERENCE", message: "That refers to a record that does not exist or is still in use." },
  "23502": { name: "not_null_violation", code: "INVALID_INPUT", message: "A required value is missing." },
  "23514": { name: "check_violation", code: "INVALID_INPUT", message: "A value is out of the allowed range or format." },
  "22P02": { name: "invalid_text_representation", code: "INVALID_INPUT", message: "A value has the wrong format." },
  "22007": { name: "invalid_datetime_format", code: "INVALID_INPUT", message: "A date or time has the wrong format." },
  "22008": { name: "datetime_field_overflow", code: "INVALID_INPUT", message: "A date or time is out of range." },
  "22003": { name: "numeric_value_out_of_range", code: "INVALID_INPUT", message: "A number is out of range." },
  "22001": { name: "string_data_right_truncation", code: "INVALID_INPUT", message: "A value is too long." },
  "22023": { name: "invalid_parameter_value", code: "INVALID_INPUT", message: "A parameter has an invalid value." },
  // A NUL character (\u0000) in a string argument: Postgres text cannot hold it.
  "22021": { name: "character_not_in_repertoire", code: "INVALID_INPUT", message: "A text value contains a character that is not allowed (NUL, \\u0000)." },
  "22P05": { name: "untranslatable_character", code: "INVALID_INPUT", message: "A text value contains a character that is not allowed (NUL, \\u0000)." },
  // first/last/offset of a connection below zero reach SQL as LIMIT/OFFSET.
  "2201W": { name: "invalid_row_count_in_limit_clause", code: "INVALID_INPUT", message: "first and last must not be negative." },
  "2201X": { name: "invalid_row_count_in_result_offset_clause", code: "INVALID_INPUT", message: "offset must not be negative." },
  // An index row too large to store (e.g. an enormous unique value).
  "54000": { name: "program_limit_exceeded", code: "INVALID_INPUT", message: "A value is too long." },
  // RLS refusing an INSERT/UPDATE raises 42501 too; both read as FORBIDDEN.
  "42501": { name: "insufficient_privilege", code: "FORBIDDEN", message: "You are not allowed to do that." },
  "57014": { name: "query_canceled", code: "TIMEOUT", message: "The request took too long and was cancelled." },
  "40001": { name: "serialization_failure", code: "RETRY", message: "The request conflicted with another; please retry." },
  "40P01": { name: "deadlock_detected", code: "RETRY", message: "The request conflicted with another; please retry." },
  "55P03": { name: "lock_not_available", code: "BUSY", message: "Someone else is changing this booking or these nights right now; please try again in a moment." },
  "53300": { name: "too_many_connections", code: "UNAVAILABLE", message: "The service is busy; please retry shortly." },
  "57P01": { name: "admin_shutdown", code: "UNAVAILABLE", message: "The database is restarting; please retry shortly." },
  "57P02": { name: "crash_shutdown", code: "UNAVAILABLE", message: "The database is restarting; please retry shortly." },
  "57P03": { name: "cannot_connect_now", code: "UNAVAILABLE", message: "The database is starting; please retry shortly." },
  "08006": { name: "connection_failure", code: "UNAVAILABLE", message: "The database cannot be reached; please retry shortly." },
} as const satisfies Record<string, PostgresErrorSpec>;
