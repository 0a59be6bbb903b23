// A seeded pseudo-random generator: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator),
// seeded through splitmix32. The load generator must be reproducible from a seed, so it never
// calls Math.random; sfc32 passes PractRand to terabytes, needs four 32-bit words of state, and
// costs a few nanoseconds a draw in V8, which matters at millions of events a second.

export interface Random {
  /** A uniform integer in [0, 2^32). */
  uint32(): number;
  /** A uniform number in [0, 1). */
  float(): number;
  /** A uniform integer in [0, n), for n up to 2^32. */
  below(n: number): number;
}

/** splitmix32: spreads a seed into well-mixed words, so nearby seeds give unrelated streams. */
function splitmix32(state: { value: number }): number {
  state.value = (state.value + 0x9e3779b9) | 0;
  let mixed = state.value;
  mixed = Math.imul(mixed ^ (mixed >>> 16), 0x85ebca6b);
  mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
  return (mixed ^ (mixed >>> 16)) >>> 0;
}

/**
 * A generator for `seed` (an integer in [0, 2^32)) and a `stream` number: different streams of one
 * seed are independent, so the world and the traffic draw from their own streams and changing a
 * traffic option never changes the world.
 */
export function createRandom(seed: number, stream = 0): Random {
  const state = { value: (seed >>> 0) ^ Math.imul(stream + 1, 0x632be5ab) };
  let a = splitmix32(state);
  let b = splitmix32(state);
  let c = splitmix32(state);
  let counter = splitmix32(state);

  const uint32 = (): number => {
    const result = (a + b + counter) | 0;
    counter = (counter + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + result) | 0;
    return result >>> 0;
  };
  // The first outputs of a fresh state are less mixed; sfc32's author discards a dozen.
  for (let warmup = 0; warmup < 12; warmup++) uint32();

  const float = (): number => uint32() / 4294967296;
  return { uint32, float, below: (n: number): number => Math.floor(float() * n) };
}
