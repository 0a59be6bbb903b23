// Proves the world is what the truth relies on: every agent is classified by the server's own
// classifier as the kind it is listed under, the awkward time zones and every plan are present,
// and addresses are canonical, distinct, and never shared between people, bots and fraud.
import { describe, expect, it } from 'vitest';
import { networkPrefix, normalizeIp } from '../events/index.js';
import { classifyUserAgent } from '../ingest/index.js';
import { botAgents, humanAgents } from './catalog-user-agents.js';
import { requiredTimeZones } from './catalog-time-zones.js';
import { parseLoadGeneratorOptions } from './options.js';
import { buildWorld } from './world.js';

describe('world', () => {
  const options = parseLoadGeneratorOptions({ seed: 3, accounts: 6, usersPerAccount: 4, links: 400, visitors: 30_000, networks: 3_000, ipv6Share: 0.2, fraudIps: 7 });
  const world = buildWorld(options);

  it('lists people and bots as the server classifies them', () => {
    for (const agent of humanAgents) expect(classifyUserAgent(agent.userAgent).bot, agent.userAgent).toBe(false);
    for (const agent of botAgents) expect(classifyUserAgent(agent.userAgent).bot, agent.userAgent).toBe(true);
    for (const agent of world.agents) expect(classifyUserAgent(agent.userAgent)).toEqual({ device: agent.device, browser: agent.browser, os: agent.os, bot: agent.bot });
  });

  it('has every plan, the awkward time zones, and a link for every user', () => {
    expect(new Set(world.accounts.map((account) => account.planId))).toEqual(new Set(['free', 'pro', 'business']));
    expect(world.users.slice(0, requiredTimeZones.length).map((user) => user.timeZone)).toEqual(requiredTimeZones);
    expect(world.users).toHaveLength(24);
    const owners = new Set(world.links.map((link) => link.userIndex));
    expect(owners.size).toBe(24);
    for (const link of world.links) expect(link.accountIndex).toBe(world.users[link.userIndex]!.accountIndex);
    expect(new Set(world.links.map((link) => link.slug)).size).toBe(400);
  });

  it('gives distinct canonical addresses in many networks, pools apart', () => {
    const { visitors } = world;
    expect(visitors.humans).toBe(30_000);
    expect(visitors.fraud).toBe(7);
    expect(new Set(visitors.ip).size).toBe(visitors.count);
    for (const ip of visitors.ip) expect(normalizeIp(ip)).toBe(ip);
    const humanNetworks = new Set(visitors.ip.slice(0, visitors.humans).map(networkPrefix));
    expect(humanNetworks.size).toBe(3_000);
    const ipv6 = visitors.ip.slice(0, visitors.humans).filter((ip) => ip.includes(':')).length / visitors.humans;
    expect(ipv6).toBeGreaterThan(0.17);
    expect(ipv6).toBeLessThan(0.23);
    const otherNetworks = visitors.ip.slice(visitors.humans).map(networkPrefix);
    for (const network of otherNetworks) expect(humanNetworks.has(network)).toBe(false);
  });

  it('is the same for the same seed', () => {
    expect(buildWorld(options)).toEqual(world);
  });
});
