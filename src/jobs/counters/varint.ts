// Unsigned LEB128 varints for whole numbers up to 2^53, for the counters' row layouts: counts and
// bucket steps are small, so most take one byte.

export function varintBytes(value: number): number {
  let bytes = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) bytes++;
  return bytes;
}

/** Writes `value` at `out[offset..]`; returns the offset after it. */
export function writeVarint(out: Uint8Array, offset: number, value: number): number {
  let position = offset;
  let rest = value;
  while (rest >= 0x80) {
    out[position++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  out[position++] = rest;
  return position;
}

/** A cursor over bytes being read; reading past the end or a varint over 2^53 throws RangeError. */
export interface ByteReader {
  bytes: Uint8Array;
  offset: number;
}

export function readVarint(reader: ByteReader): number {
  let value = 0;
  let scale = 1;
  for (let count = 0; count < 8; count++) {
    const byte = reader.bytes[reader.offset];
    if (byte === undefined) throw new RangeError('a row ends inside a varint');
    reader.offset++;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      if (!Number.isSafeInteger(value)) throw new RangeError('a varint is over 2^53');
      return value;
    }
    scale *= 0x80;
  }
  throw new RangeError('a varint is longer than 8 bytes');
}
