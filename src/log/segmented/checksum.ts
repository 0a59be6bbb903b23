// The frame checksum: CRC-32C over a frame's length word (4 bytes, little endian) followed by its
// body. Covering the length word means a flipped meta bit or a zero-filled tail (length 0, CRC 0)
// never passes as a valid frame. The core `crc32c` takes no initial state, so this chains the
// native call on a CRC of the length word computed here (four table steps, no allocation).
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

const castagnoliReversed = 0x82f63b78;

const table = (() => {
  const entries = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ castagnoliReversed : c >>> 1;
    entries[n] = c >>> 0;
  }
  return entries;
})();

/** CRC-32C of the four little-endian bytes of `word`. */
export function lengthWordChecksum(word: number): number {
  let c = 0xffffffff;
  for (let shift = 0; shift < 32; shift += 8) c = table[(c ^ (word >>> shift)) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** CRC-32C of `lengthWord` (as 4 LE bytes) followed by `body`. */
export function frameChecksum(lengthWord: number, body: Uint8Array): number {
  return nativeCrc32c(body, lengthWordChecksum(lengthWord)) >>> 0;
}
