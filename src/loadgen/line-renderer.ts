// Import lines (the NDJSON of POST /v1/events) from generated columns. Every line is glued from
// JSON fragments made once per world (per link, visitor, agent and referrer), so rendering a
// line is a handful of concatenations, with no JSON encoder and no object per event. Two things
// make it fast: fragments are flat strings (a concatenation left as a rope would be walked again
// for every line it is copied into), and bodies are written line by line into a byte buffer
// rather than joined, so no line is ever flattened on its own.
import { eventFlags, type GeneratedBatch, type World } from './types.js';

export interface LineRendererOptions {
  /**
   * Send device, browser, os and bot with each line (as an importer that classified its clicks
   * would). Without them the server classifies the user agent itself, with the same result.
   */
  traits: boolean;
}

export interface LineRenderer {
  /** The most bytes one line takes, newline included. */
  readonly maxLineBytes: number;
  /** One import line of event `index`, with its trailing newline. */
  line(batch: GeneratedBatch, index: number): string;
  /** Writes the line of event `index` at `offset` of `out` (which has room for maxLineBytes); returns its length. */
  writeLine(batch: GeneratedBatch, index: number, out: Buffer, offset: number): number;
  /** The NDJSON body of the batch's events, or of those at `indexes` only. */
  ndjsonBytes(batch: GeneratedBatch, indexes?: ArrayLike<number>): Buffer;
  /** The same body as text. */
  ndjson(batch: GeneratedBatch, indexes?: ArrayLike<number>): string;
  /** The batch as import lines without newlines, one string per event. */
  importLines(batch: GeneratedBatch): string[];
}

/** Node's native latin1 writer, on every Buffer but not in its typings: `write(text, offset, 'latin1')` without the argument checks, which cost more than the copy. */
type NativeBuffer = Buffer & { latin1Write(text: string, offset: number): number };

/** A sequential (flat) copy of `text`; all fragments are ASCII, so latin1 is lossless. */
const flat = (text: string): string => Buffer.from(text, 'latin1').toString('latin1');
const longest = (texts: readonly string[]): number => texts.reduce((most, text) => Math.max(most, text.length), 0);

interface Fragments {
  slug: string[];
  visitor: string[];
  agent: string[];
  /** Referrer, then the line's end: `}\n`, or `,"head":true}\n` at `head + index`. */
  tail: string[];
  head: number;
}

function makeFragments(world: World, options: LineRendererOptions): Fragments {
  const quoted = JSON.stringify;
  const referrer = world.referrers.map((text) => (text === '' ? '' : `,"referrer":${quoted(text)}`));
  return {
    slug: world.links.map((link) => flat(`,"slug":${quoted(link.slug)}`)),
    visitor: world.visitors.ip.map((ip, index) => {
      const country = world.visitors.country[index]!;
      return flat(`,"ip":${quoted(ip)}${country === '' ? '' : `,"country":${quoted(country)}`}`);
    }),
    agent: world.agents.map((agent) =>
      flat(
        options.traits
          ? `,"userAgent":${quoted(agent.userAgent)},"device":${quoted(agent.device)},"browser":${quoted(agent.browser)},"os":${quoted(agent.os)},"bot":${agent.bot}`
          : `,"userAgent":${quoted(agent.userAgent)}`,
      ),
    ),
    tail: [...referrer.map((text) => flat(`${text}}\n`)), ...referrer.map((text) => flat(`${text},"head":true}\n`))],
    head: referrer.length,
  };
}

/**
 * `","eventTimeMs":<time>` for whole-ms times. Consecutive events mostly share their second, so
 * its digits are made once per second and the milliseconds come from a table: cheaper than
 * formatting a 13-digit number per event.
 */
function createTimeText(): (timeMs: number) => string {
  const label = '","eventTimeMs":';
  const milliseconds = Array.from({ length: 1000 }, (_, value) => String(value).padStart(3, '0'));
  let second = -1;
  let secondText = '';
  return (timeMs) => {
    const thisSecond = Math.floor(timeMs / 1000);
    if (thisSecond === 0) return label + timeMs;
    if (thisSecond !== second) {
      second = thisSecond;
      secondText = flat(label + thisSecond);
    }
    return secondText + milliseconds[timeMs - thisSecond * 1000]!;
  };
}

export function createLineRenderer(world: World, eventIdPrefix: string, options: LineRendererOptions): LineRenderer {
  const fragments = makeFragments(world, options);
  const idHead = flat(`{"id":${JSON.stringify(eventIdPrefix).slice(0, -1)}`);
  const agentOf = world.visitors.agent;
  const timeText = createTimeText();
  // A serial is at most 11 base-36 digits; a time at most 16 digits with its label.
  const maxLineBytes = idHead.length + 11 + 16 + 16 + longest(fragments.slug) + longest(fragments.visitor) + longest(fragments.agent) + longest(fragments.tail);
  let scratch = Buffer.allocUnsafe(64 * 1024);

  const line = (batch: GeneratedBatch, index: number): string => {
    const visitor = batch.visitor[index]!;
    const tail = (batch.flags[index]! & eventFlags.head) !== 0 ? fragments.head + batch.referrer[index]! : batch.referrer[index]!;
    return (
      idHead + batch.serial[index]!.toString(36) + timeText(batch.eventTimeMs[index]!) +
      fragments.slug[batch.link[index]!]! + fragments.visitor[visitor]! + fragments.agent[agentOf[visitor]!]! + fragments.tail[tail]!
    );
  };
  const writeLine = (batch: GeneratedBatch, index: number, out: Buffer, offset: number): number => (out as NativeBuffer).latin1Write(line(batch, index), offset);

  const ndjsonBytes = (batch: GeneratedBatch, indexes?: ArrayLike<number>): Buffer => {
    const count = indexes === undefined ? batch.size : indexes.length;
    if (scratch.length < count * maxLineBytes) scratch = Buffer.allocUnsafe(count * maxLineBytes);
    let length = 0;
    for (let at = 0; at < count; at++) length += writeLine(batch, indexes === undefined ? at : indexes[at]!, scratch, length);
    return Buffer.from(scratch.subarray(0, length));
  };

  return {
    maxLineBytes,
    line,
    writeLine,
    ndjsonBytes,
    ndjson: (batch, indexes) => ndjsonBytes(batch, indexes).toString('latin1'),
    importLines(batch) {
      const lines: string[] = [];
      for (let index = 0; index < batch.size; index++) lines.push(line(batch, index).slice(0, -1));
      return lines;
    },
  };
}
