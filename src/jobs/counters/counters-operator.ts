// The link counters operator: per link and partition, all-time clicks, minute and quarter-hour
// buckets split human / bot / suspicious, and an hourly HyperLogLog of the visitors' addresses.
// Clicks are partitioned by visitor network, so every row is a partial: the serving side adds
// a link's rows over partitions and unions its sketches (docs/counters.md).
//
// It runs after the fraud operator on the same batch when there is one: a click whose
// `flags[row]` is not 0 counts as suspicious (before bot), a bot click (`bots[row]`) as bot, any
// other as human. At a checkpoint, the links and slices changed since the last one are written as
// full-value view rows, in the same commit as the offsets (exactly once). The view rows are the
// states' checkpoint too (`storedInView`): a restore reads the links and slices back from them, so
// each changed value is encoded and written once per checkpoint, not twice. The hot loop
// allocates nothing: a link's value is made once and mutated in place, and a changed value is
// marked in its state once per checkpoint interval, not once per click.
import { limits } from '../../core/index.js';
import type { ClickBatch, KeyedState, Operator, PartitionState, StateCodec, ViewStoredCodec, ViewWriter } from '../../stream/index.js';
import { hllAdd } from '../sketch/index.js';
import { botKind, humanKind, suspiciousKind } from './bucket-series.js';
import {
  counterViewNames,
  countClick,
  createLinkCounters,
  createVisitorSlice,
  decodeLinkCounters,
  decodeVisitorSlice,
  encodeLinkCounters,
  encodeVisitorSlice,
  hourMs,
  newestAt,
  visitorHoursKept,
  visitorSliceKey,
  type LinkCounters,
  type VisitorSlice,
} from './counter-rows.js';
import { parseCountersOperatorOptions, type CountersOperatorOptionsInput } from './options.js';

export const countersOperatorName = 'counters';

// One layout is both the view row and the state value, so the states are stored as the views.
// A value encoded ahead of the barrier (`onIdle`) and not changed since is not encoded again.
const linkViewCodec: StateCodec<LinkCounters> = {
  encode: (counters) => (counters.encoded !== null && counters.encodedVersion === counters.version ? counters.encoded : encodeLinkCounters(counters)),
  decode: decodeLinkCounters,
};
const linkStateCodec: ViewStoredCodec<LinkCounters> = { ...linkViewCodec, storedInView: counterViewNames.links };
const sliceViewCodec: StateCodec<VisitorSlice> = {
  encode: (slice) => (slice.encoded !== null && slice.encodedVersion === slice.version ? slice.encoded : encodeVisitorSlice(slice)),
  decode: decodeVisitorSlice,
};
const sliceStateCodec: ViewStoredCodec<VisitorSlice> = { ...sliceViewCodec, storedInView: counterViewNames.visitors };

/** Rows encoded ahead per `onIdle` call: about a tenth of a millisecond. */
const encodedPerIdleMax = 64;

interface Declared {
  links: KeyedState<LinkCounters>;
  visitors: KeyedState<VisitorSlice>;
  linksView: ViewWriter<LinkCounters>;
  visitorsView: ViewWriter<VisitorSlice>;
}

export function createCountersOperator(input: CountersOperatorOptionsInput = {}): Operator<ClickBatch> {
  const options = parseCountersOperatorOptions(input);
  let declared: Declared | undefined;
  /** The last watermark hour swept for slices out of the window. */
  let sweptHour = Number.NEGATIVE_INFINITY;
  /**
   * Slices marked changed since the last checkpoint. Their flags are cleared from this list, not
   * from the state's: a slice the state evicted while marked stays in a link's hand, and must be
   * marked (and so stored) again by its next change.
   */
  const markedSlices: VisitorSlice[] = [];
  /**
   * Links by the decoder's id-cache slot, per partition: a click of a link seen before finds its
   * counters with two array reads instead of a map lookup. Valid while the state holds every link
   * it has handed out: `keysHeld` is the state's size as the operator last knew it, and any other
   * size (a key expired or evicted) empties the tables.
   */
  const slotTables = new Map<number, (LinkCounters | undefined)[]>();
  const slotTableLength = limits.streamClickIdCacheSlots;
  let keysHeld = -1;
  /** Links marked changed since the last checkpoint (see `markedSlices` for why a list). */
  const markedLinks: LinkCounters[] = [];
  /** How far `onIdle` has encoded ahead through `markedLinks` and `markedSlices`. */
  let linksAhead = 0;
  let slicesAhead = 0;

  const forgetSlots = (): void => {
    for (const table of slotTables.values()) table.fill(undefined);
    keysHeld = declared!.links.size();
  };

  /** Marks a link changed in its state (once per checkpoint interval); `added` for a key new to the state. */
  const markLink = (linkState: PartitionState<LinkCounters>, linkId: string, counters: LinkCounters, added: boolean): void => {
    counters.dirty = true;
    markedLinks.push(counters);
    linkState.set(linkId, counters);
    if (added) keysHeld++;
    // A new key may have evicted another: the slot tables may hold it.
    if (declared!.links.size() !== keysHeld) forgetSlots();
  };

  const dropSlice = (partition: number, slice: VisitorSlice): void => {
    const { visitors, visitorsView } = declared!;
    visitors.delete(partition, slice.key);
    visitorsView.delete(partition, slice.key);
    slice.live = false;
  };

  /** The link's slice for `hour`, or undefined when the hour is out of the link's visitor window. */
  const sliceFor = (partition: number, visitorState: PartitionState<VisitorSlice>, linkId: string, counters: LinkCounters, hour: number): VisitorSlice | undefined => {
    const index = hour % visitorHoursKept;
    const held = counters.slices[index];
    if (held !== undefined && held.live) {
      if (held.hour === hour) return held;
      // The slot holds the same hour modulo the window: a newer one means this click is too old.
      if (held.hour > hour) return undefined;
      dropSlice(partition, held);
    }
    if (hour <= Math.floor(counters.numbers[newestAt]! / hourMs) - visitorHoursKept) return undefined;
    const key = visitorSliceKey(linkId, hour);
    let slice = visitorState.get(key);
    if (slice === undefined) slice = createVisitorSlice(hour, key);
    else slice.key = key;
    counters.slices[index] = slice;
    return slice;
  };

  return {
    name: countersOperatorName,
    onStart(context) {
      declared = {
        links: context.keyedState('links', { codec: linkStateCodec, keysMax: options.linksMax, ttlMs: options.linkIdleTtlMs }),
        visitors: context.keyedState('visitors', { codec: sliceStateCodec, keysMax: options.visitorSlicesMax }),
        linksView: context.view(counterViewNames.links, linkViewCodec),
        visitorsView: context.view(counterViewNames.visitors, sliceViewCodec),
      };
    },
    processBatch(batch) {
      const { partition, length, linkIds, linkSlots, eventTimesMs, ipKeys, bots, flags } = batch;
      const { links } = declared!;
      const linkState = links.partition(partition);
      const visitorState = declared!.visitors.partition(partition);
      // Keys the state dropped (time-to-live, after the last watermark) leave stale hands in the slot cache.
      if (links.size() !== keysHeld) forgetSlots();
      let bySlot = slotTables.get(partition);
      if (bySlot === undefined) slotTables.set(partition, (bySlot = new Array<LinkCounters | undefined>(slotTableLength).fill(undefined)));
      for (let row = 0; row < length; row++) {
        const linkId = linkIds[row]!;
        const eventTimeMs = eventTimesMs[row]!;
        const slot = linkSlots[row]!;
        let counters = slot >= 0 && slot < slotTableLength ? bySlot[slot] : undefined;
        if (counters === undefined || counters.linkId !== linkId) {
          counters = linkState.get(linkId);
          if (counters === undefined) {
            counters = createLinkCounters();
            markLink(linkState, linkId, counters, true);
          }
          counters.linkId = linkId;
          if (slot >= 0 && slot < slotTableLength) bySlot[slot] = counters;
        }
        if (!counters.dirty) markLink(linkState, linkId, counters, false);
        countClick(counters, eventTimeMs, flags[row] !== 0 ? suspiciousKind : bots[row] !== 0 ? botKind : humanKind);
        counters.version++;
        const hour = Math.floor(eventTimeMs / hourMs);
        let slice = counters.current;
        if (slice === undefined || slice.hour !== hour || !slice.live) {
          slice = sliceFor(partition, visitorState, linkId, counters, hour);
          if (slice !== undefined && (counters.current === undefined || !counters.current.live || hour > counters.current.hour)) counters.current = slice;
        }
        if (slice !== undefined && hllAdd(slice, ipKeys[row]!)) {
          slice.version++;
          if (!slice.dirty) {
            slice.dirty = true;
            markedSlices.push(slice);
            visitorState.set(slice.key, slice);
          }
        }
      }
    },
    onWatermark(watermarkMs, context) {
      // Slices of links that stopped being clicked leave once the watermark is past their window.
      const hour = Math.floor(watermarkMs / hourMs);
      if (hour <= sweptHour) return;
      sweptHour = hour;
      const { visitors } = declared!;
      for (const partition of context.partitions) {
        visitors.forEach(partition, (slice, key) => {
          if (slice.hour > hour - visitorHoursKept) return;
          slice.key = key;
          dropSlice(partition, slice);
        });
      }
    },
    onIdle() {
      // Encodes the rows of changed values ahead of the barrier, in the order they were marked; a
      // value changed again by then is encoded again at the barrier.
      let budget = encodedPerIdleMax;
      for (; linksAhead < markedLinks.length && budget > 0; linksAhead++, budget--) {
        const counters = markedLinks[linksAhead]!;
        counters.encoded = encodeLinkCounters(counters);
        counters.encodedVersion = counters.version;
      }
      for (; slicesAhead < markedSlices.length && budget > 0; slicesAhead++, budget--) {
        const slice = markedSlices[slicesAhead]!;
        if (!slice.live) continue;
        slice.encoded = encodeVisitorSlice(slice);
        slice.encodedVersion = slice.version;
      }
    },
    onCheckpoint() {
      const { links, visitors, linksView, visitorsView } = declared!;
      links.forEachUpdated((partition, linkId, counters) => linksView.put(partition, linkId, counters));
      for (const counters of markedLinks) {
        counters.dirty = false;
        counters.encoded = null;
      }
      markedLinks.length = 0;
      linksAhead = 0;
      visitors.forEachUpdated((partition, key, slice) => visitorsView.put(partition, key, slice));
      for (const slice of markedSlices) {
        slice.dirty = false;
        slice.encoded = null;
      }
      markedSlices.length = 0;
      slicesAhead = 0;
    },
  };
}
