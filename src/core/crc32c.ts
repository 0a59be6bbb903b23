// CRC-32C (Castagnoli), the checksum of every log frame. Hardware-accelerated through
// @node-rs/crc32 (SSE 4.2 / ARMv8 CRC instructions, prebuilt per platform).
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/** CRC-32C of `bytes`, as an unsigned 32-bit integer. */
export function crc32c(bytes: Uint8Array): number {
  return nativeCrc32c(bytes as Buffer) >>> 0;
}
