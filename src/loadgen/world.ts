// The world a run clicks on, invented from the seed: accounts on each plan, users in time zones
// (the awkward ones first), links owned by users and ranked by popularity, and the visitors:
// people, bots and fraud. The same options and seed always give the same world.
import { classifyUserAgent } from '../ingest/index.js';
import { createAliasTable } from './alias-table.js';
import { accountPlans } from './catalog-plans.js';
import { referrers, targetSites, visitorCountries } from './catalog-traffic.js';
import { ownerTimeZones, requiredTimeZones } from './catalog-time-zones.js';
import { botAgents, fraudAgent, humanAgents } from './catalog-user-agents.js';
import { addressesIn, fraudAddresses, humanAddresses } from './ip-pools.js';
import { worldPrefix, type LoadGeneratorOptions } from './options.js';
import { createRandom, type Random } from './random.js';
import { botKind, fraudKind, humanKind, type Agent, type VisitorPool, type World, type WorldAccount, type WorldLink, type WorldUser } from './types.js';

/** Addresses each bot operator fetches from. */
export const botAddressesPerAgent = 8;
const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** An id shaped like the store's (`acc_` and 16 Crockford base32 characters), from the seed. */
function syntheticId(random: Random, prefix: string): string {
  let text = prefix;
  for (let index = 0; index < 16; index++) text += crockford[random.below(32)];
  return text;
}

/** Draws values of a weighted table. */
function picker(table: readonly { value: string; weight: number }[]): (random: Random) => string {
  const alias = createAliasTable(table.map((entry) => entry.weight));
  return (random) => table[alias.sample(random)]!.value;
}

function makeAccounts(random: Random, options: LoadGeneratorOptions, prefix: string): WorldAccount[] {
  const plan = picker(accountPlans);
  return Array.from({ length: options.accounts }, (_, index) => ({
    id: syntheticId(random, 'acc_'),
    name: `${prefix} account ${index}`,
    // The first accounts take each plan once, so every plan is billed in any world of 3 accounts.
    planId: index < accountPlans.length ? accountPlans[index]!.value : plan(random),
  }));
}

function makeUsers(random: Random, options: LoadGeneratorOptions, prefix: string): WorldUser[] {
  const timeZone = picker(ownerTimeZones);
  const users: WorldUser[] = [];
  for (let userNumber = 0; userNumber < options.usersPerAccount; userNumber++) {
    for (let accountIndex = 0; accountIndex < options.accounts; accountIndex++) {
      const index = users.length;
      users.push({
        id: syntheticId(random, 'usr_'),
        accountIndex,
        email: `user${index}@${prefix}.loadgen.example`,
        name: `${prefix} user ${index}`,
        timeZone: index < requiredTimeZones.length ? requiredTimeZones[index]! : timeZone(random),
      });
    }
  }
  return users;
}

function makeLinks(random: Random, options: LoadGeneratorOptions, prefix: string, users: readonly WorldUser[]): WorldLink[] {
  return Array.from({ length: options.links }, (_, index) => {
    // Every user owns a link; beyond that, owners are random, so the top links belong to anyone.
    const userIndex = index < users.length ? (index * 7919) % users.length : random.below(users.length);
    return {
      id: syntheticId(random, 'lnk_'),
      slug: `${prefix}-${index.toString(36)}`,
      targetUrl: `${targetSites[random.below(targetSites.length)]}${prefix}-${index.toString(36)}`,
      userIndex,
      accountIndex: users[userIndex]!.accountIndex,
    };
  });
}

function classified(userAgent: string): Agent {
  return { userAgent, ...classifyUserAgent(userAgent) };
}

/** Agents in one list: people's, then bots', then the fraud agent (shared with people). */
export function makeAgents(): Agent[] {
  return [...humanAgents.map((agent) => classified(agent.userAgent)), ...botAgents.map((agent) => classified(agent.userAgent))];
}

function makeVisitors(random: Random, options: LoadGeneratorOptions): VisitorPool {
  const humans = humanAddresses(random, options.visitors, options.networks, options.ipv6Share);
  const bots = botAgents.flatMap((agent) => addressesIn(random, agent.network, botAddressesPerAgent));
  const fraud = fraudAddresses(random, options.fraudIps);
  const count = humans.length + bots.length + fraud.length;
  const agent = new Uint16Array(count);
  const kind = new Uint8Array(count);
  const country: string[] = new Array<string>(count);
  const humanAgent = createAliasTable(humanAgents.map((entry) => entry.weight));
  const humanCountry = createAliasTable(visitorCountries.map((entry) => entry.weight));
  for (let index = 0; index < humans.length; index++) {
    agent[index] = humanAgent.sample(random);
    country[index] = visitorCountries[humanCountry.sample(random)]!.value;
    kind[index] = humanKind;
  }
  for (let index = 0; index < bots.length; index++) {
    const bot = Math.floor(index / botAddressesPerAgent);
    agent[humans.length + index] = humanAgents.length + bot;
    country[humans.length + index] = botAgents[bot]!.country;
    kind[humans.length + index] = botKind;
  }
  for (let index = 0; index < fraud.length; index++) {
    const at = humans.length + bots.length + index;
    agent[at] = humanAgents.indexOf(fraudAgent);
    country[at] = visitorCountries[humanCountry.sample(random)]!.value;
    kind[at] = fraudKind;
  }
  return { count, humans: humans.length, bots: bots.length, fraud: fraud.length, ip: [...humans, ...bots, ...fraud], country, agent, kind };
}

/** The world of `options`, drawn from its own random stream of the seed. */
export function buildWorld(options: LoadGeneratorOptions): World {
  const random = createRandom(options.seed, 1);
  const prefix = worldPrefix(options);
  const accounts = makeAccounts(random, options, prefix);
  const users = makeUsers(random, options, prefix);
  const links = makeLinks(random, options, prefix, users);
  const visitors = makeVisitors(createRandom(options.seed, 2), options);
  return { prefix, accounts, users, links, agents: makeAgents(), referrers: referrers.map((entry) => entry.value), visitors };
}
