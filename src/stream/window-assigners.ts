// Window assigners: which event-time windows an event falls in. Windows are [start, end), so a
// window is complete once the watermark reaches its end.
import { limits, OptionsError } from '../core/index.js';
import type { WindowAssigner } from './types.js';

function check(sizeMs: number, slideMs: number, offsetMs: number): void {
  if (!Number.isSafeInteger(sizeMs) || sizeMs < 1) throw new OptionsError('window', 'sizeMs', `must be a positive whole number of ms (got ${sizeMs})`);
  if (!Number.isSafeInteger(slideMs) || slideMs < 1 || slideMs > sizeMs) throw new OptionsError('window', 'slideMs', `must be a whole number of ms from 1 to sizeMs (got ${slideMs})`);
  if (sizeMs % slideMs !== 0) throw new OptionsError('window', 'slideMs', `must divide sizeMs ${sizeMs} (got ${slideMs})`);
  if (sizeMs / slideMs > limits.streamWindowsPerEventMax) {
    throw new OptionsError('window', 'slideMs', `puts each event in ${sizeMs / slideMs} windows, over ${limits.streamWindowsPerEventMax}`);
  }
  if (!Number.isSafeInteger(offsetMs) || offsetMs < 0 || offsetMs >= slideMs) throw new OptionsError('window', 'offsetMs', `must be from 0 to below the slide (got ${offsetMs})`);
}

/** Back-to-back windows of `sizeMs`: each event is in exactly one. */
export function tumblingWindows(sizeMs: number, offsetMs = 0): WindowAssigner {
  check(sizeMs, sizeMs, offsetMs);
  return { sizeMs, slideMs: sizeMs, offsetMs };
}

/** Windows of `sizeMs` starting every `slideMs` (hopping): each event is in sizeMs / slideMs of them. */
export function slidingWindows(sizeMs: number, slideMs: number, offsetMs = 0): WindowAssigner {
  check(sizeMs, slideMs, offsetMs);
  return { sizeMs, slideMs, offsetMs };
}

/** The start of the latest window that contains `timeMs`; earlier ones start a slide apart. */
export function lastWindowStartMs(assigner: WindowAssigner, timeMs: number): number {
  const { slideMs, offsetMs } = assigner;
  return Math.floor((timeMs - offsetMs) / slideMs) * slideMs + offsetMs;
}
