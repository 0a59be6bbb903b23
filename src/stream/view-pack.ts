// View rows packed into one buffer for a trip to another thread or process. A checkpoint holds
// tens of thousands of small rows; cloned as objects (postMessage, IPC with `advanced`
// serialization) each costs a structured-clone round on both sides, while packed they are one
// buffer, copied or transferred whole, and the receiver's values are views into it (no copy).
//
// Layout (little endian): u32 row count, u16 name count, names (u16 byte length, UTF-8), then per
// row: u8 name index, u32 partition, u16 key byte length, key (UTF-8), i32 value length (-1 for a
// deletion), value bytes.
import { InternalError } from '../core/index.js';
import type { StreamViewChange } from '../store/index.js';

function corrupt(what: string): InternalError {
  return new InternalError(`packed view rows: ${what}`, { code: 'view_pack_corrupt' });
}

/** The pack of each list packed, so a checkpoint's rows are packed once for the commit thread and the serving process. */
const packs = new WeakMap<readonly StreamViewChange[], Uint8Array>();

/** Packs `changes` (in order) into a buffer of its own; the same list (unchanged) packs once. */
export function packViewChanges(changes: readonly StreamViewChange[]): Uint8Array {
  let packed = packs.get(changes);
  if (packed === undefined) {
    packed = pack(changes);
    packs.set(changes, packed);
  }
  return packed;
}

function pack(changes: readonly StreamViewChange[]): Uint8Array {
  const names = new Map<string, number>();
  // An upper bound: UTF-8 needs at most 3 bytes per UTF-16 unit.
  let size = 6;
  for (const change of changes) {
    if (!names.has(change.view)) {
      names.set(change.view, names.size);
      size += 2 + 3 * change.view.length;
    }
    size += 11 + 3 * change.key.length + (change.value?.byteLength ?? 0);
  }
  if (names.size > 255) throw corrupt(`${names.size} view names in one pack, over 255`);
  const out = Buffer.allocUnsafeSlow(size);
  let at = out.writeUInt32LE(changes.length, 0);
  at = out.writeUInt16LE(names.size, at);
  for (const name of names.keys()) {
    const length = out.write(name, at + 2, 'utf8');
    out.writeUInt16LE(length, at);
    at += 2 + length;
  }
  for (const change of changes) {
    out[at] = names.get(change.view)!;
    out.writeUInt32LE(change.partition, at + 1);
    const keyLength = out.write(change.key, at + 7, 'utf8');
    out.writeUInt16LE(keyLength, at + 5);
    at += 7 + keyLength;
    const { value } = change;
    if (value === null) at = out.writeInt32LE(-1, at);
    else {
      at = out.writeInt32LE(value.byteLength, at);
      out.set(value, at);
      at += value.byteLength;
    }
  }
  return new Uint8Array(out.buffer, out.byteOffset, at);
}

/** The rows of a pack, in order; values are views into `packed`. Throws InternalError on a malformed pack. */
export function unpackViewChanges(packed: Uint8Array): StreamViewChange[] {
  const bytes = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  const need = (at: number, length: number): void => {
    if (at + length > bytes.length) throw corrupt(`cut short at byte ${at}`);
  };
  need(0, 6);
  const count = bytes.readUInt32LE(0);
  const nameCount = bytes.readUInt16LE(4);
  let at = 6;
  const names: string[] = [];
  for (let index = 0; index < nameCount; index++) {
    need(at, 2);
    const length = bytes.readUInt16LE(at);
    need(at + 2, length);
    names.push(bytes.toString('utf8', at + 2, at + 2 + length));
    at += 2 + length;
  }
  const changes: StreamViewChange[] = new Array<StreamViewChange>(count);
  for (let row = 0; row < count; row++) {
    need(at, 7);
    const view = names[bytes[at]!];
    if (view === undefined) throw corrupt(`row ${row} names view ${bytes[at]} of ${names.length}`);
    const partition = bytes.readUInt32LE(at + 1);
    const keyLength = bytes.readUInt16LE(at + 5);
    need(at + 7, keyLength + 4);
    const key = bytes.toString('utf8', at + 7, at + 7 + keyLength);
    at += 7 + keyLength;
    const valueLength = bytes.readInt32LE(at);
    at += 4;
    let value: Uint8Array | null = null;
    if (valueLength >= 0) {
      need(at, valueLength);
      value = packed.subarray(at, at + valueLength);
      at += valueLength;
    } else if (valueLength !== -1) throw corrupt(`row ${row} has value length ${valueLength}`);
    changes[row] = { view, partition, key, value };
  }
  if (at !== bytes.length) throw corrupt(`${bytes.length - at} bytes follow the last row`);
  return changes;
}
