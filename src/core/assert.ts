// Assertions guard invariants. A broken invariant is a bug: it throws AssertionFailure, which is
// never caught and retried (CONVENTIONS.md rule 5). Expected failures use typed errors instead.

export class AssertionFailure extends Error {
  override name = 'AssertionFailure';
}

export function assert(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) {
    throw new AssertionFailure(typeof message === 'string' ? message : message());
  }
}

export function assertNever(value: never, what = 'value'): never {
  throw new AssertionFailure(`unexpected ${what}: ${JSON.stringify(value)}`);
}
