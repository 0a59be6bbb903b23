// `clickflow accounts|users|links|keys|plans ...`: administration of the serving store from the
// command line. Output goes through commander's output configuration (so tests capture it);
// `--json` gives machine output, tables otherwise. A classified error prints its message (which
// names the field) and exits non-zero, without a stack trace.
import { InvalidArgumentError, type Command } from 'commander';
import { ClickflowError, UserError } from '../core/index.js';
import type { Account, ApiKey, Link, Page, Plan, PlanTier, Scope, Store, User } from '../store/index.js';
import { scopes } from '../store/index.js';

interface Output {
  /** What `--json` prints. */
  data: unknown;
  /** What a person reads. */
  human: string;
}

type Options = Record<string, string | number | boolean | undefined>;
type Body = (store: Store, args: string[], options: Options) => Promise<Output>;

function write(command: Command, text: string): void {
  const writeOut = command.configureOutput().writeOut ?? ((chunk: string) => process.stdout.write(chunk));
  writeOut(text.endsWith('\n') ? text : `${text}\n`);
}

/** Reports a failure: classified errors by message only; anything else is a bug and keeps its stack. */
function fail(command: Command, error: unknown): never {
  if (error instanceof ClickflowError) command.error(`error: ${error.message}`, { exitCode: 1, code: `clickflow.${error.code}` });
  throw error;
}

/** Opens the store, runs `body`, closes the store, then prints the result or the error. */
function run(openStore: () => Promise<Store>, body: Body) {
  return async (...actionArgs: unknown[]): Promise<void> => {
    const command = actionArgs[actionArgs.length - 1] as Command;
    const options = command.opts<Options>();
    let output: Output | undefined;
    let failure: unknown;
    try {
      const store = await openStore();
      try {
        output = await body(store, command.processedArgs as string[], options);
      } finally {
        await store.close();
      }
    } catch (error) {
      failure = error;
    }
    if (output === undefined) fail(command, failure);
    write(command, options.json ? JSON.stringify(output.data, null, 2) : output.human);
  };
}

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit)) throw new InvalidArgumentError('must be a whole number');
  return limit;
}

function parseScope(value: string): Scope {
  if (!scopes.includes(value as Scope)) throw new InvalidArgumentError(`must be one of ${scopes.join(', ')}`);
  return value as Scope;
}

/** Adds a subcommand with `--json`. */
function sub(parent: Command, name: string, description: string): Command {
  return parent.command(name).description(description).option('--json', 'print JSON instead of a table');
}

function pagingOptions(command: Command): Command {
  return command
    .option('--limit <n>', 'rows per page, 1 to 1000 (default 100)', parseLimit)
    .option('--after <cursor>', 'continue after the page that printed this cursor');
}

function time(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Left-aligned columns under a header, two spaces apart. */
export function formatTable(header: string[], rows: string[][]): string {
  if (rows.length === 0) return '(none)';
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function pageText<T>(page: Page<T>, header: string[], row: (item: T) => string[]): string {
  const table = formatTable(header, page.items.map(row));
  return page.next === undefined ? table : `${table}\n(more: pass --after ${page.next})`;
}

function state(disabled: boolean): string {
  return disabled ? 'disabled' : 'active';
}

const accountHeader = ['ID', 'NAME', 'PLAN', 'STATE', 'CREATED'];
function accountRow(a: Account): string[] {
  return [a.id, a.name, a.planId, state(a.disabled), time(a.createdAtMs)];
}
function accountTable(accounts: Account[]): string {
  return formatTable(accountHeader, accounts.map(accountRow));
}

function registerAccounts(program: Command, openStore: () => Promise<Store>): void {
  const accounts = program.command('accounts').description('create, list, update and disable accounts (tenants, billed by plan)');
  sub(accounts, 'create', 'create an account')
    .requiredOption('--name <name>', 'the account name, e.g. the company')
    .option('--plan <plan>', 'plan id (see `clickflow plans list`)', 'free')
    .action(run(openStore, async (store, _args, options) => {
      const account = await store.accounts.create({ name: String(options.name), planId: String(options.plan) });
      return { data: account, human: accountTable([account]) };
    }));
  pagingOptions(sub(accounts, 'list', 'list accounts, by id')).action(run(openStore, async (store, _args, options) => {
    const page = await store.accounts.list({ limit: options.limit as number | undefined, after: options.after as string | undefined });
    return { data: page, human: pageText(page, accountHeader, accountRow) };
  }));
  sub(accounts, 'update', 'change an account’s name or plan')
    .argument('<account>', 'account id (acc_...)')
    .option('--name <name>', 'new name')
    .option('--plan <plan>', 'new plan id')
    .action(run(openStore, async (store, [id], options) => {
      requireSome(options, ['name', 'plan']);
      const account = await store.accounts.update(id!, { name: options.name as string | undefined, planId: options.plan as string | undefined });
      return { data: account, human: accountTable([account]) };
    }));
  for (const [name, disabled] of [['disable', true], ['enable', false]] as const) {
    sub(accounts, name, `${name} an account (${disabled ? 'its API keys stop working; data is kept' : 'undoes disable'})`)
      .argument('<account>', 'account id (acc_...)')
      .action(run(openStore, async (store, [id]) => {
        const account = await store.accounts.update(id!, { disabled });
        return { data: account, human: accountTable([account]) };
      }));
  }
}

/** Refuses an update that changes nothing, naming the options that would. */
function requireSome(options: Options, names: string[]): void {
  if (names.every((name) => options[name] === undefined)) {
    throw new UserError(`nothing to update; pass ${names.map((name) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(' or ')}`);
  }
}

const userHeader = ['ID', 'EMAIL', 'NAME', 'TIME ZONE', 'STATE', 'CREATED'];
function userTable(users: User[]): string {
  return formatTable(userHeader, users.map(userRow));
}
function userRow(u: User): string[] {
  return [u.id, u.email, u.name, u.timeZone, state(u.disabled), time(u.createdAtMs)];
}

function registerUsers(program: Command, openStore: () => Promise<Store>): void {
  const users = program.command('users').description('create, list, update and disable the users of an account (link owners)');
  sub(users, 'create', 'create a user in an account')
    .requiredOption('--account <account>', 'account id (acc_...)')
    .requiredOption('--email <email>', 'e-mail address, unique within the account; daily digests go here')
    .requiredOption('--time-zone <zone>', 'IANA time zone for "today" and "yesterday", e.g. Europe/Berlin')
    .option('--name <name>', 'display name', '')
    .action(run(openStore, async (store, _args, o) => {
      const user = await store.users.create({ accountId: String(o.account), email: String(o.email), timeZone: String(o.timeZone), name: String(o.name) });
      return { data: user, human: userTable([user]) };
    }));
  pagingOptions(sub(users, 'list', 'list the users of an account, by id'))
    .requiredOption('--account <account>', 'account id (acc_...)')
    .action(run(openStore, async (store, _args, o) => {
      const page = await store.users.list(String(o.account), { limit: o.limit as number | undefined, after: o.after as string | undefined });
      return { data: page, human: pageText(page, userHeader, userRow) };
    }));
  sub(users, 'update', 'change a user’s e-mail, name or time zone')
    .argument('<user>', 'user id (usr_...)')
    .requiredOption('--account <account>', 'the user’s account id (acc_...)')
    .option('--email <email>', 'new e-mail address')
    .option('--name <name>', 'new display name')
    .option('--time-zone <zone>', 'new IANA time zone')
    .action(run(openStore, async (store, [id], o) => {
      requireSome(o, ['email', 'name', 'timeZone']);
      const patch = { email: o.email as string | undefined, name: o.name as string | undefined, timeZone: o.timeZone as string | undefined };
      const user = await store.users.update(String(o.account), id!, patch);
      return { data: user, human: userTable([user]) };
    }));
  for (const [name, disabled] of [['disable', true], ['enable', false]] as const) {
    sub(users, name, `${name} a user (${disabled ? 'no more digests; links keep working' : 'undoes disable'})`)
      .argument('<user>', 'user id (usr_...)')
      .requiredOption('--account <account>', 'the user’s account id (acc_...)')
      .action(run(openStore, async (store, [id], o) => {
        const user = await store.users.update(String(o.account), id!, { disabled });
        return { data: user, human: userTable([user]) };
      }));
  }
}

function linkRow(l: Link): string[] {
  return [l.id, l.slug, l.targetUrl, l.userId, state(l.disabled), time(l.updatedAtMs)];
}
const linkHeader = ['ID', 'SLUG', 'TARGET', 'USER', 'STATE', 'UPDATED'];

function registerLinks(program: Command, openStore: () => Promise<Store>): void {
  const links = program.command('links').description('create, list, update and disable short links');
  sub(links, 'create', 'create a short link: GET /<slug> redirects to the target')
    .requiredOption('--account <account>', 'account id (acc_...)')
    .requiredOption('--user <user>', 'owner, a user of the account (usr_...)')
    .requiredOption('--slug <slug>', 'the short path: 1-64 letters, digits, "-" or "_"; unique across accounts')
    .requiredOption('--target <url>', 'absolute http:// or https:// URL to redirect to')
    .action(run(openStore, async (store, _args, o) => {
      const link = await store.links.create(String(o.account), { slug: String(o.slug), targetUrl: String(o.target), userId: String(o.user) });
      return { data: link, human: formatTable(linkHeader, [linkRow(link)]) };
    }));
  pagingOptions(sub(links, 'list', 'list the links of an account, by id'))
    .requiredOption('--account <account>', 'account id (acc_...)')
    .option('--user <user>', 'only this user’s links')
    .action(run(openStore, async (store, _args, o) => {
      const options = { userId: o.user as string | undefined, limit: o.limit as number | undefined, after: o.after as string | undefined };
      const page = await store.links.list(String(o.account), options);
      return { data: page, human: pageText(page, linkHeader, linkRow) };
    }));
  sub(links, 'update', 'change a link’s slug or target')
    .argument('<link>', 'link id (lnk_...)')
    .requiredOption('--account <account>', 'the link’s account id (acc_...)')
    .option('--slug <slug>', 'new short path')
    .option('--target <url>', 'new target URL')
    .action(run(openStore, async (store, [id], o) => {
      requireSome(o, ['slug', 'target']);
      const link = await store.links.update(String(o.account), id!, { slug: o.slug as string | undefined, targetUrl: o.target as string | undefined });
      return { data: link, human: formatTable(linkHeader, [linkRow(link)]) };
    }));
  for (const [name, disabled] of [['disable', true], ['enable', false]] as const) {
    sub(links, name, `${name} a link (${disabled ? 'it stops redirecting; its counts are kept' : 'undoes disable'})`)
      .argument('<link>', 'link id (lnk_...)')
      .requiredOption('--account <account>', 'the link’s account id (acc_...)')
      .action(run(openStore, async (store, [id], o) => {
        const link = await store.links.update(String(o.account), id!, { disabled });
        return { data: link, human: formatTable(linkHeader, [linkRow(link)]) };
      }));
  }
}

function keyTable(keys: ApiKey[]): string {
  return formatTable(['ID', 'SCOPE', 'LABEL', 'CREATED', 'REVOKED'], keys.map((k) => [k.id, k.scope, k.label, time(k.createdAtMs), time(k.revokedAtMs)]));
}

const secretWarning = 'This secret is shown once and cannot be shown again: store it now (only its hash is kept).';

function registerKeys(program: Command, openStore: () => Promise<Store>): void {
  const keys = program.command('keys').description('create, list and revoke API keys of an account');
  sub(keys, 'create', 'create an API key; its secret is printed once')
    .requiredOption('--account <account>', 'account id (acc_...)')
    .requiredOption('--scope <scope>', `what the key may do: ${scopes.join(', ')}`, parseScope)
    .option('--label <label>', 'a note on where the key is used', '')
    .action(run(openStore, async (store, _args, o) => {
      const { key, secret } = await store.apiKeys.create(String(o.account), o.scope as Scope, String(o.label));
      return { data: { key, secret, warning: secretWarning }, human: `${keyTable([key])}\n\nsecret: ${secret}\n${secretWarning}` };
    }));
  sub(keys, 'list', 'list an account’s keys, unrevoked first (secrets are never shown)')
    .requiredOption('--account <account>', 'account id (acc_...)')
    .action(run(openStore, async (store, _args, o) => {
      const list = await store.apiKeys.list(String(o.account));
      return { data: list, human: keyTable(list) };
    }));
  sub(keys, 'revoke', 'revoke an API key; requests using it fail from now on')
    .argument('<key>', 'key id (key_...)')
    .requiredOption('--account <account>', 'the key’s account id (acc_...)')
    .action(run(openStore, async (store, [id], o) => {
      const key = await store.apiKeys.revoke(String(o.account), id!);
      return { data: key, human: keyTable([key]) };
    }));
}

/** An amount in minor units, in the currency's own decimals (EUR 2, JPY 0). */
export function formatMinor(minor: number, currency: string): string {
  const format = new Intl.NumberFormat('en', { style: 'currency', currency, currencyDisplay: 'code' });
  return format.format(minor / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

function tierText(tiers: PlanTier[], currency: string): string {
  let from = 0;
  return tiers
    .map((tier) => {
      const range = tier.upToClicks === null ? `${from.toLocaleString('en')}+` : `${from.toLocaleString('en')}-${tier.upToClicks.toLocaleString('en')}`;
      from = tier.upToClicks ?? from;
      return `${range}: ${formatMinor(tier.pricePerThousandMinor, currency)}/1k`;
    })
    .join('; ');
}

function registerPlans(program: Command, openStore: () => Promise<Store>): void {
  const plans = program.command('plans').description('billing plans: a monthly fee plus price tiers per 1,000 billable clicks');
  sub(plans, 'list', 'list plans').action(run(openStore, async (store) => {
    const list: Plan[] = await store.plans.list();
    const rows = list.map((p) => [p.id, p.name, formatMinor(p.monthlyFeeMinor, p.currency), tierText(p.tiers, p.currency)]);
    return { data: list, human: formatTable(['ID', 'NAME', 'MONTHLY FEE', 'CLICKS PER MONTH: PRICE'], rows) };
  }));
}

/**
 * Adds `accounts`, `users`, `links`, `keys` and `plans` to `program`. Each command opens the store
 * with `openStore` and closes it before printing.
 */
export function registerAdminCommands(program: Command, openStore: () => Promise<Store>): void {
  registerAccounts(program, openStore);
  registerUsers(program, openStore);
  registerLinks(program, openStore);
  registerKeys(program, openStore);
  registerPlans(program, openStore);
}
