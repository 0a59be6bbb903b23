// Import lines (the NDJSON of POST /v1/events) from generated columns. Every line is glued from
// JSON fragments made once per world (per link, visitor, agent and referrer), so rendering a
// line is a handful of string concatenations and two number-to-text conversions, with no JSON
// encoder and no object per event.
import { eventFlags, type GeneratedBatch, type World } from './types.js';

export interface LineRendererOptions {
  /**
   * Send device, browser, os and bot with each line (as an importer that classified its clicks
   * would). Without them the server classifies the user agent itself, with the same result.
   */
  traits: boolean;
}

export interface LineRenderer {
  /** One import line of event `index`, with its trailing newline. */
  line(batch: GeneratedBatch, index: number): string;
  /** The NDJSON body of the batch's events, or of those at `indexes` only. */
  ndjson(batch: GeneratedBatch, indexes?: ArrayLike<number>): string;
  /** The batch as import lines without newlines, one string per event. */
  importLines(batch: GeneratedBatch): string[];
}

interface Fragments {
  slug: string[];
  visitor: string[];
  agent: string[];
  referrer: string[];
}

function makeFragments(world: World, options: LineRendererOptions): Fragments {
  const quoted = JSON.stringify;
  return {
    slug: world.links.map((link) => `,"slug":${quoted(link.slug)}`),
    visitor: world.visitors.ip.map((ip, index) => {
      const country = world.visitors.country[index]!;
      return `,"ip":${quoted(ip)}${country === '' ? '' : `,"country":${quoted(country)}`}`;
    }),
    agent: world.agents.map((agent) =>
      options.traits
        ? `,"userAgent":${quoted(agent.userAgent)},"device":${quoted(agent.device)},"browser":${quoted(agent.browser)},"os":${quoted(agent.os)},"bot":${agent.bot}`
        : `,"userAgent":${quoted(agent.userAgent)}`,
    ),
    referrer: world.referrers.map((referrer) => (referrer === '' ? '' : `,"referrer":${quoted(referrer)}`)),
  };
}

export function createLineRenderer(world: World, eventIdPrefix: string, options: LineRendererOptions): LineRenderer {
  const fragments = makeFragments(world, options);
  const idHead = `{"id":${JSON.stringify(eventIdPrefix).slice(0, -1)}`;
  const agentOf = world.visitors.agent;

  const body = (batch: GeneratedBatch, index: number): string => {
    const visitor = batch.visitor[index]!;
    const head = (batch.flags[index]! & eventFlags.head) !== 0 ? ',"head":true}' : '}';
    return (
      idHead + batch.serial[index]!.toString(36) + '","eventTimeMs":' + batch.eventTimeMs[index]! +
      fragments.slug[batch.link[index]!]! + fragments.visitor[visitor]! + fragments.agent[agentOf[visitor]!]! +
      fragments.referrer[batch.referrer[index]!]! + head
    );
  };

  const line = (batch: GeneratedBatch, index: number): string => body(batch, index) + '\n';
  return {
    line,
    ndjson(batch, indexes) {
      const lines: string[] = [];
      if (indexes === undefined) for (let index = 0; index < batch.size; index++) lines.push(line(batch, index));
      else for (let at = 0; at < indexes.length; at++) lines.push(line(batch, indexes[at]!));
      return lines.join('');
    },
    importLines(batch) {
      const lines: string[] = [];
      for (let index = 0; index < batch.size; index++) lines.push(body(batch, index));
      return lines;
    },
  };
}
