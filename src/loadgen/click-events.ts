// Whole click events from generated columns, for targets that skip HTTP and hand events to the
// ingestor (the log target) and for tests. Ids of links, users and accounts are read from the
// world when called, so events made after provisioning carry the store's ids.
import type { ClickEvent, EventSource } from '../events/index.js';
import { eventFlags, type GeneratedBatch, type World } from './types.js';

export interface ClickEventOptions {
  /** Prepended to the serial (base 36) to make the event id; see `LoadGenerator.eventIdPrefix`. */
  eventIdPrefix: string;
  /** When clickflow accepted the events. */
  ingestTimeMs: number;
  source: EventSource;
}

/** The click of event `index` of `batch`. */
export function toClickEvent(world: World, batch: GeneratedBatch, index: number, options: ClickEventOptions): ClickEvent {
  const link = world.links[batch.link[index]!]!;
  const visitor = batch.visitor[index]!;
  const agent = world.agents[world.visitors.agent[visitor]!]!;
  return {
    id: options.eventIdPrefix + batch.serial[index]!.toString(36),
    eventTimeMs: batch.eventTimeMs[index]!,
    ingestTimeMs: options.ingestTimeMs,
    linkId: link.id,
    slug: link.slug,
    userId: world.users[link.userIndex]!.id,
    accountId: world.accounts[link.accountIndex]!.id,
    ip: world.visitors.ip[visitor]!,
    userAgent: agent.userAgent,
    referrer: world.referrers[batch.referrer[index]!]!,
    country: world.visitors.country[visitor]!,
    device: agent.device,
    browser: agent.browser,
    os: agent.os,
    bot: agent.bot,
    head: (batch.flags[index]! & eventFlags.head) !== 0,
    source: options.source,
  };
}

/** Every event of the batch as a click, in send order (duplicates included, as sent). */
export function toClickEvents(world: World, batch: GeneratedBatch, options: ClickEventOptions): ClickEvent[] {
  const events: ClickEvent[] = new Array<ClickEvent>(batch.size);
  for (let index = 0; index < batch.size; index++) events[index] = toClickEvent(world, batch, index, options);
  return events;
}
