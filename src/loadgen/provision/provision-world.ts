// Makes the world exist on the server: accounts, users and links, matched by name (account name,
// user e-mail, link slug), so a second run with the same prefix reuses what the first created and
// every world id becomes the store's id. A record that exists but disagrees with the world (a
// slug owned by someone else) is an error naming it; a user's time zone on the server wins.
import { errorMessage, limits } from '../../core/index.js';
import { LoadgenError } from '../errors.js';
import type { World, WorldProvisioner } from '../types.js';
import { forEachConcurrent } from './concurrency.js';

export interface ProvisionReport {
  created: { accounts: number; users: number; links: number };
  reused: { accounts: number; users: number; links: number };
}

async function provisionAccounts(world: World, provisioner: WorldProvisioner, report: ProvisionReport): Promise<void> {
  const existing = new Map((await provisioner.listAccounts()).map((account) => [account.name, account]));
  for (const account of world.accounts) {
    const found = existing.get(account.name);
    if (found) {
      account.id = found.id;
      account.planId = found.planId;
      report.reused.accounts++;
    } else {
      account.id = (await provisioner.createAccount({ name: account.name, planId: account.planId })).id;
      report.created.accounts++;
    }
  }
}

async function provisionUsers(world: World, provisioner: WorldProvisioner, accountIndex: number, report: ProvisionReport): Promise<void> {
  const accountId = world.accounts[accountIndex]!.id;
  const existing = new Map((await provisioner.listUsers(accountId)).map((user) => [user.email, user]));
  for (const user of world.users) {
    if (user.accountIndex !== accountIndex) continue;
    const found = existing.get(user.email);
    if (found) {
      user.id = found.id;
      user.timeZone = found.timeZone;
      report.reused.users++;
    } else {
      user.id = (await provisioner.createUser({ accountId, email: user.email, name: user.name, timeZone: user.timeZone })).id;
      report.created.users++;
    }
  }
}

async function provisionLinks(world: World, provisioner: WorldProvisioner, accountIndex: number, report: ProvisionReport): Promise<void> {
  const accountId = world.accounts[accountIndex]!.id;
  const existing = new Map((await provisioner.listLinks(accountId)).map((link) => [link.slug, link]));
  const missing = world.links.filter((link) => {
    if (link.accountIndex !== accountIndex) return false;
    const found = existing.get(link.slug);
    if (!found) return true;
    const userId = world.users[link.userIndex]!.id;
    if (found.userId !== userId) throw new LoadgenError(`link ${link.slug} exists but belongs to user ${found.userId}, not ${userId}; use another --prefix or a fresh data folder`, 'world_conflict');
    link.id = found.id;
    report.reused.links++;
    return false;
  });
  await forEachConcurrent(missing, limits.loadgenProvisionConcurrency, async (link) => {
    try {
      link.id = (await provisioner.createLink(accountId, { slug: link.slug, targetUrl: link.targetUrl, userId: world.users[link.userIndex]!.id })).id;
    } catch (error) {
      throw new LoadgenError(`could not create link ${link.slug} (is the slug taken by another account? use another --prefix): ${errorMessage(error)}`, 'world_conflict', { cause: error });
    }
    report.created.links++;
  });
}

/** Creates what is missing of `world` and gives every entity its store id. */
export async function provisionWorld(world: World, provisioner: WorldProvisioner): Promise<ProvisionReport> {
  const report: ProvisionReport = { created: { accounts: 0, users: 0, links: 0 }, reused: { accounts: 0, users: 0, links: 0 } };
  await provisionAccounts(world, provisioner, report);
  const accountIndexes = world.accounts.map((_, index) => index);
  // Accounts in parallel, a few at a time; each account's links in parallel within it.
  await forEachConcurrent(accountIndexes, 4, async (accountIndex) => {
    await provisionUsers(world, provisioner, accountIndex, report);
    await provisionLinks(world, provisioner, accountIndex, report);
  });
  return report;
}
