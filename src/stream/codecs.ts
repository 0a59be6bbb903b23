// Codecs for state and view values. JSON is convenient and slow; the fixed-width ones write a few
// bytes with no parsing, for states with millions of keys.
import type { StateCodec } from './types.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Any JSON value. Convenient for small states and views the serving layer reads as JSON. */
export function jsonCodec<V>(): StateCodec<V> {
  return {
    encode: (value) => encoder.encode(JSON.stringify(value)),
    decode: (bytes) => JSON.parse(decoder.decode(bytes)) as V,
  };
}

/** One float64, 8 bytes little-endian (counts are exact up to 2^53). */
export function float64Codec(): StateCodec<number> {
  return {
    encode(value) {
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setFloat64(0, value, true);
      return bytes;
    },
    decode: (bytes) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getFloat64(0, true),
  };
}

/** A fixed-length Float64Array (counters, EWMA mean and deviation), 8 bytes per element. */
export function float64ArrayCodec(length: number): StateCodec<Float64Array> {
  return {
    encode(value) {
      const bytes = new Uint8Array(length * 8);
      const view = new DataView(bytes.buffer);
      for (let index = 0; index < length; index++) view.setFloat64(index * 8, value[index] ?? 0, true);
      return bytes;
    },
    decode(bytes) {
      const value = new Float64Array(length);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const count = Math.min(length, Math.floor(bytes.byteLength / 8));
      for (let index = 0; index < count; index++) value[index] = view.getFloat64(index * 8, true);
      return value;
    },
  };
}

/** Raw bytes, stored as they are. */
export function bytesCodec(): StateCodec<Uint8Array> {
  return { encode: (value) => value, decode: (bytes) => Uint8Array.from(bytes) };
}
