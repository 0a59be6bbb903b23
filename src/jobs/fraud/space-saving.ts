// Heavy hitters in bounded memory: the Space-Saving summary (Metwally, Agrawal, El Abbadi 2005).
// `m` counters; a key not monitored takes over a counter with the smallest count, inheriting that
// count as its error. Every key with more than N/m of the N clicks is monitored, and an estimate
// is never below the true count nor above it by more than its error, so `estimate - error` is a
// guaranteed count. Counters sit in the paper's Stream-Summary: buckets of equal count in a list
// ordered by count, so an increment or a takeover is O(1). All of it lives in typed arrays with an
// open-addressing index by key: a click allocates nothing.
import { assert } from '../../core/index.js';

export interface SpaceSaving {
  readonly countersMax: number;
  /** Clicks added since the last reset. */
  total: number;
  size(): number;
  /** Counts one click of `key`; returns its counter. */
  add(key: number): number;
  /** The key's counter, or -1 when it is not monitored. */
  find(key: number): number;
  estimate(counter: number): number;
  error(counter: number): number;
  /**
   * 1 + the counters with a larger estimate: a walk down the buckets from the top, given up (0)
   * after `bucketsMax` buckets.
   */
  rank(counter: number, bucketsMax?: number): number;
  reset(): void;
  /** Smallest count first, each bucket in its list order: what `restoreCounter` rebuilds from. */
  forEachInOrder(callback: (key: number, count: number, error: number) => void): void;
  /** Appends a counter (in `forEachInOrder` order, after `reset()`). */
  restoreCounter(key: number, count: number, error: number): void;
}

const none = -1;

function hashKey(key: number): number {
  const hash = Math.imul((key >>> 0) ^ Math.imul((key / 4_294_967_296) >>> 0, 0x85ebca6b), 0x9e3779b1);
  return hash ^ (hash >>> 15);
}

class SpaceSavingImpl implements SpaceSaving {
  total = 0;
  private readonly keys: Float64Array;
  private readonly errors: Float64Array;
  private readonly bucketOf: Int32Array;
  private readonly next: Int32Array;
  private readonly previous: Int32Array;
  private readonly bucketCount: Float64Array;
  private readonly bucketHead: Int32Array;
  private readonly bucketTail: Int32Array;
  private readonly bucketSize: Int32Array;
  /** Toward larger counts, and back. */
  private readonly bucketUp: Int32Array;
  private readonly bucketDown: Int32Array;
  private readonly freeBuckets: Int32Array;
  private freeCount = 0;
  private lowest = none;
  private highest = none;
  /** Counter + 1 by key hash; 0 is empty. */
  private readonly index: Int32Array;
  private readonly mask: number;
  private used = 0;

  constructor(readonly countersMax: number) {
    assert(Number.isInteger(countersMax) && countersMax >= 1, 'Space-Saving needs at least one counter');
    const m = countersMax;
    [this.keys, this.errors, this.bucketCount] = [new Float64Array(m), new Float64Array(m), new Float64Array(m)];
    [this.bucketOf, this.next, this.previous] = [new Int32Array(m), new Int32Array(m), new Int32Array(m)];
    [this.bucketHead, this.bucketTail, this.bucketSize] = [new Int32Array(m), new Int32Array(m), new Int32Array(m)];
    [this.bucketUp, this.bucketDown, this.freeBuckets] = [new Int32Array(m), new Int32Array(m), new Int32Array(m)];
    let size = 16;
    while (size < m * 4) size *= 2;
    this.index = new Int32Array(size);
    this.mask = size - 1;
    this.reset();
  }

  size(): number {
    return this.used;
  }

  find(key: number): number {
    for (let at = hashKey(key) & this.mask; ; at = (at + 1) & this.mask) {
      const entry = this.index[at]!;
      if (entry === 0) return none;
      if (this.keys[entry - 1] === key) return entry - 1;
    }
  }

  add(key: number): number {
    this.total++;
    let counter = this.find(key);
    if (counter !== none) {
      this.increment(counter);
    } else if (this.used < this.countersMax) {
      counter = this.used++;
      this.take(counter, key, 0);
      this.attachAtCount(counter, 1);
    } else {
      const bucket = this.lowest;
      counter = this.bucketHead[bucket]!;
      this.unindex(counter);
      this.take(counter, key, this.bucketCount[bucket]!);
      this.increment(counter);
    }
    return counter;
  }

  estimate(counter: number): number {
    return this.bucketCount[this.bucketOf[counter]!]!;
  }

  error(counter: number): number {
    return this.errors[counter]!;
  }

  rank(counter: number, bucketsMax = Infinity): number {
    const count = this.estimate(counter);
    let rank = 1;
    let walked = 0;
    for (let bucket = this.highest; bucket !== none && this.bucketCount[bucket]! > count; bucket = this.bucketDown[bucket]!) {
      if (++walked > bucketsMax) return 0;
      rank += this.bucketSize[bucket]!;
    }
    return rank;
  }

  reset(): void {
    this.index.fill(0);
    this.used = 0;
    this.total = 0;
    this.lowest = none;
    this.highest = none;
    this.freeCount = 0;
    for (let bucket = this.countersMax - 1; bucket >= 0; bucket--) this.freeBuckets[this.freeCount++] = bucket;
  }

  forEachInOrder(callback: (key: number, count: number, error: number) => void): void {
    for (let bucket = this.lowest; bucket !== none; bucket = this.bucketUp[bucket]!) {
      for (let counter = this.bucketHead[bucket]!; counter !== none; counter = this.next[counter]!) callback(this.keys[counter]!, this.bucketCount[bucket]!, this.errors[counter]!);
    }
  }

  restoreCounter(key: number, count: number, error: number): void {
    assert(this.used < this.countersMax, 'more Space-Saving counters restored than the summary holds');
    assert(this.highest === none || this.bucketCount[this.highest]! <= count, 'Space-Saving counters restored out of order');
    const counter = this.used++;
    this.take(counter, key, error);
    let bucket = this.highest;
    if (bucket === none || this.bucketCount[bucket]! !== count) bucket = this.newBucket(count, this.highest);
    this.link(counter, bucket, false);
  }

  /** Moves a counter to the bucket of its count + 1 (made if missing; its own reused when alone). */
  private increment(counter: number): void {
    const bucket = this.bucketOf[counter]!;
    const count = this.bucketCount[bucket]! + 1;
    const up = this.bucketUp[bucket]!;
    if (up !== none && this.bucketCount[up] === count) {
      this.unlink(counter);
      this.link(counter, up, true);
    } else if (this.bucketSize[bucket] === 1) {
      this.bucketCount[bucket] = count;
    } else {
      const made = this.newBucket(count, bucket);
      this.unlink(counter);
      this.link(counter, made, true);
    }
  }

  private attachAtCount(counter: number, count: number): void {
    const lowest = this.lowest;
    const bucket = lowest !== none && this.bucketCount[lowest] === count ? lowest : this.newBucket(count, none);
    this.link(counter, bucket, true);
  }

  /** A bucket for `count` placed just above `below` (none: at the bottom). */
  private newBucket(count: number, below: number): number {
    assert(this.freeCount > 0, 'Space-Saving ran out of buckets');
    const bucket = this.freeBuckets[--this.freeCount]!;
    this.bucketCount[bucket] = count;
    this.bucketHead[bucket] = none;
    this.bucketTail[bucket] = none;
    this.bucketSize[bucket] = 0;
    const above = below === none ? this.lowest : this.bucketUp[below]!;
    this.bucketDown[bucket] = below;
    this.bucketUp[bucket] = above;
    if (below === none) this.lowest = bucket;
    else this.bucketUp[below] = bucket;
    if (above === none) this.highest = bucket;
    else this.bucketDown[above] = bucket;
    return bucket;
  }

  private link(counter: number, bucket: number, atHead: boolean): void {
    this.bucketOf[counter] = bucket;
    const head = this.bucketHead[bucket]!;
    const tail = this.bucketTail[bucket]!;
    if (head === none) {
      this.next[counter] = none;
      this.previous[counter] = none;
      this.bucketHead[bucket] = counter;
      this.bucketTail[bucket] = counter;
    } else if (atHead) {
      this.next[counter] = head;
      this.previous[counter] = none;
      this.previous[head] = counter;
      this.bucketHead[bucket] = counter;
    } else {
      this.next[counter] = none;
      this.previous[counter] = tail;
      this.next[tail] = counter;
      this.bucketTail[bucket] = counter;
    }
    this.bucketSize[bucket]!++;
  }

  /** Takes a counter out of its bucket; an emptied bucket leaves the list. */
  private unlink(counter: number): void {
    const bucket = this.bucketOf[counter]!;
    const next = this.next[counter]!;
    const previous = this.previous[counter]!;
    if (previous === none) this.bucketHead[bucket] = next;
    else this.next[previous] = next;
    if (next === none) this.bucketTail[bucket] = previous;
    else this.previous[next] = previous;
    if (--this.bucketSize[bucket]! > 0) return;
    const up = this.bucketUp[bucket]!;
    const down = this.bucketDown[bucket]!;
    if (down === none) this.lowest = up;
    else this.bucketUp[down] = up;
    if (up === none) this.highest = down;
    else this.bucketDown[up] = down;
    this.freeBuckets[this.freeCount++] = bucket;
  }

  private take(counter: number, key: number, error: number): void {
    this.keys[counter] = key;
    this.errors[counter] = error;
    let at = hashKey(key) & this.mask;
    while (this.index[at] !== 0) at = (at + 1) & this.mask;
    this.index[at] = counter + 1;
  }

  private unindex(counter: number): void {
    const { index, mask, keys } = this;
    let hole = hashKey(keys[counter]!) & mask;
    while (index[hole] !== counter + 1) hole = (hole + 1) & mask;
    for (let next = (hole + 1) & mask; index[next] !== 0; next = (next + 1) & mask) {
      const home = hashKey(keys[index[next]! - 1]!) & mask;
      if (hole <= next ? home > hole && home <= next : home > hole || home <= next) continue;
      index[hole] = index[next]!;
      hole = next;
    }
    index[hole] = 0;
  }
}

export function createSpaceSaving(countersMax: number): SpaceSaving {
  return new SpaceSavingImpl(countersMax);
}
