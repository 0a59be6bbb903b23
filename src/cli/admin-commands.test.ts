// Proves the admin commands create and list accounts, users, links and keys against a real SQLite
// store, print a key's secret once with a warning, and turn bad input into a clear, field-naming
// error with a non-zero exit and no stack trace.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger, createTestClock } from '../core/index.js';
import { createSqliteStore, type Account, type ApiKey, type Link, type Page, type User } from '../store/index.js';
import { formatMinor, registerAdminCommands } from './admin-commands.js';

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'clickflow-admin-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

interface RunResult {
  out: string;
  err: string;
  exitCode: number;
}

/** Runs one command line in-process on a fresh program, as `clickflow <args>` would. */
async function clickflow(...args: string[]): Promise<RunResult> {
  let out = '';
  let err = '';
  const program = new Command('clickflow')
    .exitOverride()
    .configureOutput({ writeOut: (text) => (out += text), writeErr: (text) => (err += text) });
  const path = join(folder, 'store.sqlite');
  registerAdminCommands(program, async () => createSqliteStore({ clock: createTestClock(), logger: createSilentLogger() }, { path }));
  try {
    await program.parseAsync(args, { from: 'user' });
    return { out, err, exitCode: 0 };
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { out, err, exitCode: error.exitCode };
  }
}

async function json<T>(...args: string[]): Promise<T> {
  const result = await clickflow(...args, '--json');
  expect(result.err).toBe('');
  return JSON.parse(result.out) as T;
}

describe('admin commands', () => {
  it('creates and lists an account, a user, a link and a key', async () => {
    const account = await json<Account>('accounts', 'create', '--name', 'Acme', '--plan', 'pro');
    expect(account).toMatchObject({ name: 'Acme', planId: 'pro', disabled: false });
    const user = await json<User>('users', 'create', '--account', account.id, '--email', 'ada@acme.example', '--time-zone', 'Europe/Berlin', '--name', 'Ada');
    expect(user).toMatchObject({ accountId: account.id, email: 'ada@acme.example', timeZone: 'Europe/Berlin' });
    const link = await json<Link>('links', 'create', '--account', account.id, '--user', user.id, '--slug', 'launch', '--target', 'https://acme.example/launch');
    expect(link).toMatchObject({ slug: 'launch', targetUrl: 'https://acme.example/launch', userId: user.id });
    const created = await json<{ key: ApiKey; secret: string; warning: string }>('keys', 'create', '--account', account.id, '--scope', 'write', '--label', 'ingest');
    expect(created.secret).toMatch(/^cf_write_/);
    expect(created.warning).toMatch(/shown once/);

    expect((await json<Page<Account>>('accounts', 'list')).items).toEqual([account]);
    expect((await json<Page<User>>('users', 'list', '--account', account.id)).items).toEqual([user]);
    expect((await json<Page<Link>>('links', 'list', '--account', account.id, '--user', user.id)).items).toEqual([link]);
    const keys = await json<ApiKey[]>('keys', 'list', '--account', account.id);
    expect(keys).toEqual([created.key]);

    const table = await clickflow('links', 'list', '--account', account.id);
    expect(table.out).toMatch(/^ID\s+SLUG\s+TARGET/);
    expect(table.out).toContain('launch');
    expect(table.out).toContain('https://acme.example/launch');
    const keyTable = await clickflow('keys', 'list', '--account', account.id);
    expect(keyTable.out).not.toContain(created.secret);
  });

  it('prints a new key’s secret once, with a warning, in the human output', async () => {
    const account = await json<Account>('accounts', 'create', '--name', 'Acme');
    const result = await clickflow('keys', 'create', '--account', account.id, '--scope', 'read');
    expect(result.exitCode).toBe(0);
    expect(result.out).toMatch(/secret: cf_read_[0-9A-Z]{16}_[0-9A-Z]{32}\n/);
    expect(result.out).toMatch(/shown once/);
  });

  it('updates, disables and revokes, and lists plans', async () => {
    const account = await json<Account>('accounts', 'create', '--name', 'Acme');
    expect(await json<Account>('accounts', 'update', account.id, '--plan', 'business')).toMatchObject({ planId: 'business' });
    expect(await json<Account>('accounts', 'disable', account.id)).toMatchObject({ disabled: true });
    const user = await json<User>('users', 'create', '--account', account.id, '--email', 'a@b.example', '--time-zone', 'UTC');
    expect(await json<User>('users', 'update', user.id, '--account', account.id, '--time-zone', 'Asia/Tokyo')).toMatchObject({ timeZone: 'Asia/Tokyo' });
    const { key } = await json<{ key: ApiKey }>('keys', 'create', '--account', account.id, '--scope', 'manage');
    expect((await json<ApiKey>('keys', 'revoke', key.id, '--account', account.id)).revokedAtMs).not.toBeNull();
    const plans = await clickflow('plans', 'list');
    expect(plans.out).toMatch(/free\s+Free\s+EUR\s+0\.00\s+0-10,000: EUR\s+0\.00\/1k; 10,000\+: EUR\s+0\.50\/1k/);
  });

  it('gives a clear error naming the field for a bad time zone, exits non-zero, prints no stack', async () => {
    const account = await json<Account>('accounts', 'create', '--name', 'Acme');
    const result = await clickflow('users', 'create', '--account', account.id, '--email', 'ada@acme.example', '--time-zone', 'Mars/Olympus');
    expect(result.exitCode).not.toBe(0);
    expect(result.err).toMatch(/^error: timeZone: "Mars\/Olympus" is not an IANA time zone; use a name such as Europe\/Berlin/);
    expect(result.err).not.toMatch(/\n\s+at /);
    expect(result.out).toBe('');
  });

  it('reports other user errors the same way', async () => {
    const account = await json<Account>('accounts', 'create', '--name', 'Acme');
    expect((await clickflow('accounts', 'create', '--name', 'X', '--plan', 'gold')).err).toMatch(/^error: planId: no plan "gold"/);
    expect((await clickflow('accounts', 'update', account.id)).err).toMatch(/nothing to update; pass --name or --plan/);
    expect((await clickflow('keys', 'create', '--account', account.id, '--scope', 'root')).err).toMatch(/must be one of write, read, manage/);
    expect((await clickflow('accounts', 'list', '--limit', '5000')).err).toMatch(/limit: must be a whole number from 1 to 1000/);
    const missing = await clickflow('users', 'list', '--account', 'acc_0000000000000000', '--after', 'junk');
    expect(missing.exitCode).toBe(1);
    expect(missing.err).toMatch(/after:/);
  });

  it('formats money in the currency’s own decimals', () => {
    expect(formatMinor(2_900, 'EUR')).toMatch(/EUR\s+29\.00/);
    expect(formatMinor(500, 'JPY')).toMatch(/JPY\s+500/);
  });
});
