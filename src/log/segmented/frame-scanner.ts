// Walks the frames of a file region in large chunks (one pread per chunk, a frame larger than a
// chunk read whole), handing each valid frame to a visitor. Recovery, index rebuilds and reads
// all walk frames through here. A chunk is never reused, so bodies handed out stay valid.
import { assert } from '../../core/index.js';
import { readAt } from './file-io.js';
import { createFrameView, frameHeaderBytes, readFrame, type FrameStatus, type FrameView } from './frame-codec.js';

/** Where a scan stopped: `end` at the region's end, `stopped` by the visitor, else the frame's problem. */
export interface ScanResult {
  position: number;
  status: 'end' | 'stopped' | Exclude<FrameStatus, 'ok'>;
}

/** Sees the frame at `position`; returns false to stop before consuming it. */
export type FrameVisitor = (frame: FrameView, position: number) => boolean;

interface Chunk {
  bytes: Buffer;
  start: number;
  length: number;
}

async function loadChunk(fd: number, position: number, bytes: number): Promise<Chunk> {
  const buffer = Buffer.allocUnsafe(bytes);
  const length = await readAt(fd, buffer, bytes, position);
  return { bytes: buffer, start: position, length };
}

/** Bytes the frame starting at `relative` in `chunk` needs, as far as its header tells. */
function frameNeeds(chunk: Chunk, relative: number): number {
  if (chunk.length - relative < 4) return frameHeaderBytes;
  return frameHeaderBytes + (chunk.bytes.readUInt32LE(relative) & 0x7fff_ffff);
}

export async function scanFrames(fd: number, from: number, to: number, chunkBytes: number, visit: FrameVisitor): Promise<ScanResult> {
  assert(from <= to, () => `scan from ${from} past ${to}`);
  const view = createFrameView();
  let chunk: Chunk = { bytes: Buffer.alloc(0), start: from, length: 0 };
  let loadedAt = -1;
  let lastWanted = 0;
  let position = from;
  while (position < to) {
    const relative = position - chunk.start;
    const status = readFrame(chunk.bytes, relative, chunk.length, view);
    if (status === 'incomplete') {
      const wanted = Math.min(to - position, Math.max(chunkBytes, frameNeeds(chunk, relative)));
      // Freshly loaded from this frame on and still cut: the file or the region ends inside it.
      const fresh = loadedAt === position;
      if (fresh && (chunk.length < lastWanted || chunk.length >= to - position || wanted <= chunk.length)) {
        return { position, status };
      }
      chunk = await loadChunk(fd, position, wanted);
      loadedAt = position;
      lastWanted = wanted;
      continue;
    }
    if (status !== 'ok') return { position, status };
    if (!visit(view, position)) return { position, status: 'stopped' };
    position = chunk.start + view.end;
  }
  return { position, status: 'end' };
}
