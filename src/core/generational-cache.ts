// A bounded cache for hot paths, cheaper than an LRU on every hit: entries live in a current and a
// previous generation (two Maps). A hit in the previous generation is copied into the current
// one; when the current one is full it becomes the previous one and the oldest generation is
// dropped. Frequently used keys therefore stay, rarely used ones age out, and a hit costs one or
// two Map lookups with no reordering. Holds at most `capacity` entries.
import { assert } from './assert.js';

export class GenerationalCache<K, V> {
  private current = new Map<K, V>();
  private previous = new Map<K, V>();
  private readonly generationMax: number;

  constructor(readonly capacity: number) {
    assert(Number.isInteger(capacity) && capacity >= 2, `cache capacity must be an integer of at least 2, got ${capacity}`);
    this.generationMax = Math.floor(capacity / 2);
  }

  get(key: K): V | undefined {
    const value = this.current.get(key);
    if (value !== undefined) return value;
    const old = this.previous.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: K, value: V): void {
    if (!this.current.has(key) && this.current.size >= this.generationMax) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
  }

  delete(key: K): void {
    this.current.delete(key);
    this.previous.delete(key);
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }
}
