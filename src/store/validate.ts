// Validation of store inputs, shared by every backend so that SQLite and PostgreSQL accept and
// reject exactly the same values. Each check returns the value as stored (trimmed, canonical) or
// throws an `invalid` StoreError naming the field and saying what to do.
import { limits } from '../core/index.js';
import { invalidField } from './errors.js';
import {
  scopes,
  type AccountInput,
  type DeadLetter,
  type LinkInput,
  type Plan,
  type PlanTier,
  type Scope,
  type UserInput,
} from './types.js';

/** Paths the HTTP layer serves itself; a link may not take them (compared case-insensitively). */
export const reservedSlugs: readonly string[] = Object.freeze([
  'v1',
  'api',
  'metrics',
  'healthz',
  'readyz',
  'dashboard',
  'assets',
  'static',
  'openapi.json',
  'favicon.ico',
  'robots.txt',
]);

const slugPattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const planIdPattern = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const currencyPattern = /^[A-Z]{3}$/;
// Printable ASCII local part without RFC 5322 specials; domain of LDH labels with at least one dot
// (internationalised domains are accepted in their punycode form).
const emailPattern =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const emailLocalBytesMax = 64;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const controlCharacters = /[\u0000-\u001f\u007f]/;

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** `text` cut to at most `maxBytes` UTF-8 bytes, never inside a character. */
export function cutUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the character that overflows.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

export function isReservedSlug(slug: string): boolean {
  return reservedSlugs.includes(slug.toLowerCase());
}

export function isValidSlug(slug: string): boolean {
  return slugPattern.test(slug) && !isReservedSlug(slug);
}

export function isValidEmail(email: string): boolean {
  const at = email.lastIndexOf('@');
  return utf8Bytes(email) <= limits.emailBytesMax && at <= emailLocalBytesMax && emailPattern.test(email);
}

/** The canonical IANA name of a zone (e.g. `utc` → `UTC`), or undefined when it is not one. */
export function canonicalTimeZone(timeZone: string): string | undefined {
  if (!/^[A-Za-z]/.test(timeZone)) return undefined; // offsets such as +01:00 are not IANA zones
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export function isValidTimeZone(timeZone: string): boolean {
  return canonicalTimeZone(timeZone) !== undefined;
}

/** The URL as a redirect will send it (parsed and re-serialised), or undefined when not acceptable. */
export function normalizeTargetUrl(targetUrl: string): string | undefined {
  if (!URL.canParse(targetUrl)) return undefined;
  const url = new URL(targetUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.hostname === '' || url.username !== '' || url.password !== '') return undefined;
  return utf8Bytes(url.href) <= limits.targetUrlBytesMax ? url.href : undefined;
}

export function isValidTargetUrl(targetUrl: string): boolean {
  return normalizeTargetUrl(targetUrl) !== undefined;
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalidField(field, `must be a string (got ${typeof value})`);
  return value;
}

export function validateSlug(value: unknown, field = 'slug'): string {
  const slug = requireString(value, field);
  if (!slugPattern.test(slug)) {
    throw invalidField(field, `${JSON.stringify(slug)} is not a slug; use 1 to 64 letters, digits, "-" or "_", starting with a letter or digit`);
  }
  if (isReservedSlug(slug)) throw invalidField(field, `${JSON.stringify(slug)} is reserved (${reservedSlugs.join(', ')}); choose another`);
  return slug;
}

export function validateTargetUrl(value: unknown, field = 'targetUrl'): string {
  const text = requireString(value, field);
  const url = normalizeTargetUrl(text.trim());
  if (url === undefined) {
    throw invalidField(field, `must be an absolute http:// or https:// URL without user name or password, at most ${limits.targetUrlBytesMax} bytes`);
  }
  return url;
}

/** Trimmed and lower-cased, so that one mailbox is one user within an account. */
export function validateEmail(value: unknown, field = 'email'): string {
  const email = requireString(value, field).trim().toLowerCase();
  if (!isValidEmail(email)) throw invalidField(field, `${JSON.stringify(email)} is not an e-mail address such as ada@example.com`);
  return email;
}

export function validateTimeZone(value: unknown, field = 'timeZone'): string {
  const zone = canonicalTimeZone(requireString(value, field).trim());
  if (zone === undefined) throw invalidField(field, `${JSON.stringify(value)} is not an IANA time zone; use a name such as Europe/Berlin or UTC`);
  return zone;
}

/** A trimmed name or label without control characters; `required` ones must not be empty. */
export function validateName(value: unknown, field: string, required: boolean): string {
  const name = requireString(value, field).trim();
  if (required && name === '') throw invalidField(field, 'must not be empty');
  if (controlCharacters.test(name)) throw invalidField(field, 'must not contain control characters');
  if (utf8Bytes(name) > limits.storeNameBytesMax) throw invalidField(field, `must be at most ${limits.storeNameBytesMax} bytes`);
  return name;
}

export function validateScope(value: unknown, field = 'scope'): Scope {
  if (!scopes.includes(value as Scope)) throw invalidField(field, `must be one of ${scopes.join(', ')} (got ${JSON.stringify(value)})`);
  return value as Scope;
}

export function validatePlanId(value: unknown, field = 'planId'): string {
  const id = requireString(value, field);
  if (!planIdPattern.test(id)) throw invalidField(field, `${JSON.stringify(id)} is not a plan id; use 1 to 64 lower-case letters, digits, "-" or "_"`);
  return id;
}

function validateMoney(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalidField(field, `must be a non-negative whole number of minor units (cents), got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Refuses fields a caller may not set, so a misspelt field is an error rather than ignored. */
export function rejectUnknownFields(value: object, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw invalidField(key, `unknown field; known: ${allowed.join(', ')}`);
  }
}

/** `true`/`false` or absent. */
export function validateOptionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') throw invalidField(field, 'must be true or false');
  return value;
}

export function validateAccountInput(input: AccountInput): AccountInput {
  rejectUnknownFields(input, ['name', 'planId']);
  return { name: validateName(input.name, 'name', true), planId: validatePlanId(input.planId) };
}

export function validateUserInput(input: UserInput): Required<UserInput> {
  rejectUnknownFields(input, ['accountId', 'email', 'name', 'timeZone']);
  return {
    accountId: requireString(input.accountId, 'accountId'),
    email: validateEmail(input.email),
    name: validateName(input.name ?? '', 'name', false),
    timeZone: validateTimeZone(input.timeZone),
  };
}

export function validateLinkInput(input: LinkInput): LinkInput {
  rejectUnknownFields(input, ['slug', 'targetUrl', 'userId']);
  return { slug: validateSlug(input.slug), targetUrl: validateTargetUrl(input.targetUrl), userId: requireString(input.userId, 'userId') };
}

function validateTiers(value: unknown): PlanTier[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > limits.planTiersMax) {
    throw invalidField('tiers', `must list 1 to ${limits.planTiersMax} tiers`);
  }
  let previous = 0;
  return value.map((tier: PlanTier, index) => {
    const field = `tiers[${index}]`;
    if (typeof tier !== 'object' || tier === null) throw invalidField(field, 'must be an object { upToClicks, pricePerThousandMinor }');
    const last = index === value.length - 1;
    const upTo = tier.upToClicks;
    if (last && upTo !== null) throw invalidField(`${field}.upToClicks`, 'the last tier must be unbounded (null)');
    if (!last && (typeof upTo !== 'number' || !Number.isSafeInteger(upTo) || upTo <= previous)) {
      throw invalidField(`${field}.upToClicks`, `must be a whole number above the previous tier's (${previous}); tiers ascend`);
    }
    previous = upTo ?? previous;
    return { upToClicks: upTo, pricePerThousandMinor: validateMoney(tier.pricePerThousandMinor, `${field}.pricePerThousandMinor`) };
  });
}

export function validatePlan(plan: Plan): Plan {
  rejectUnknownFields(plan, ['id', 'name', 'currency', 'monthlyFeeMinor', 'tiers']);
  const currency = requireString(plan.currency, 'currency');
  if (!currencyPattern.test(currency)) throw invalidField('currency', `must be an ISO 4217 code of 3 upper-case letters such as EUR (got ${JSON.stringify(currency)})`);
  return {
    id: validatePlanId(plan.id, 'id'),
    name: validateName(plan.name, 'name', true),
    currency,
    monthlyFeeMinor: validateMoney(plan.monthlyFeeMinor, 'monthlyFeeMinor'),
    tiers: validateTiers(plan.tiers),
  };
}

/** A list `limit`: default `limits.storeListDefault`, 1..`limits.storeListMax`. */
export function validateListLimit(value: unknown, field = 'limit'): number {
  if (value === undefined) return limits.storeListDefault;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > limits.storeListMax) {
    throw invalidField(field, `must be a whole number from 1 to ${limits.storeListMax} (got ${JSON.stringify(value)})`);
  }
  return value;
}

/** Drops absent fields, so that a patch of `{ name: undefined }` changes nothing. */
function present<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}

export interface AccountPatch {
  name?: string;
  planId?: string;
  disabled?: boolean;
}

export function validateAccountPatch(patch: AccountPatch): AccountPatch {
  rejectUnknownFields(patch, ['name', 'planId', 'disabled']);
  const given = present(patch);
  return present({
    name: given.name === undefined ? undefined : validateName(given.name, 'name', true),
    planId: given.planId === undefined ? undefined : validatePlanId(given.planId),
    disabled: validateOptionalBoolean(given.disabled, 'disabled'),
  });
}

export interface UserPatch {
  email?: string;
  name?: string;
  timeZone?: string;
  disabled?: boolean;
}

export function validateUserPatch(patch: UserPatch): UserPatch {
  rejectUnknownFields(patch, ['email', 'name', 'timeZone', 'disabled']);
  const given = present(patch);
  return present({
    email: given.email === undefined ? undefined : validateEmail(given.email),
    name: given.name === undefined ? undefined : validateName(given.name, 'name', false),
    timeZone: given.timeZone === undefined ? undefined : validateTimeZone(given.timeZone),
    disabled: validateOptionalBoolean(given.disabled, 'disabled'),
  });
}

export interface LinkPatch {
  slug?: string;
  targetUrl?: string;
  disabled?: boolean;
}

export function validateLinkPatch(patch: LinkPatch): LinkPatch {
  rejectUnknownFields(patch, ['slug', 'targetUrl', 'disabled']);
  const given = present(patch);
  return present({
    slug: given.slug === undefined ? undefined : validateSlug(given.slug),
    targetUrl: given.targetUrl === undefined ? undefined : validateTargetUrl(given.targetUrl),
    disabled: validateOptionalBoolean(given.disabled, 'disabled'),
  });
}

function validateWholeNumber(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalidField(field, `must be a whole number of at least ${min} (got ${JSON.stringify(value)})`);
  }
  return value;
}

/** A rejected line as stored: reason and payload cut to their bounds rather than refused. */
export function validateDeadLetter(entry: Omit<DeadLetter, 'id'>): Omit<DeadLetter, 'id'> {
  rejectUnknownFields(entry, ['receivedAtMs', 'accountId', 'source', 'line', 'reason', 'payload']);
  const accountId = entry.accountId ?? null;
  if (accountId !== null && typeof accountId !== 'string') throw invalidField('accountId', 'must be a string or null');
  return {
    receivedAtMs: validateWholeNumber(entry.receivedAtMs, 'receivedAtMs', 0),
    accountId,
    source: validateName(entry.source, 'source', true),
    line: validateWholeNumber(entry.line, 'line', 1),
    reason: cutUtf8(requireString(entry.reason, 'reason'), limits.deadLetterReasonBytesMax),
    payload: cutUtf8(requireString(entry.payload, 'payload'), limits.deadLetterPayloadBytesMax),
  };
}
