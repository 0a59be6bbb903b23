// Options are typed, documented and validated once (CONVENTIONS.md rule 10). A component declares
// a spec: each field's default, unit and bounds. `parseOptions` merges the defaults and rejects a
// bad value naming the component and the field; cross-field rules go in `check`.
import { OptionsError } from './errors.js';

interface FieldBase<T> {
  /** One line for docs and `--help`: what the field means, with its unit. */
  doc: string;
  default: T;
}

export type FieldSpec =
  | (FieldBase<number> & { kind: 'integer' | 'number'; min?: number; max?: number })
  | (FieldBase<string> & { kind: 'string'; pattern?: RegExp; nonEmpty?: boolean })
  | (FieldBase<string> & { kind: 'enum'; values: readonly string[] })
  | (FieldBase<boolean> & { kind: 'boolean' })
  | (FieldBase<string | undefined> & { kind: 'optional-string' });

export type OptionsSpec = Record<string, FieldSpec>;

type ValueOf<F extends FieldSpec> = F extends { kind: 'integer' | 'number' }
  ? number
  : F extends { kind: 'boolean' }
    ? boolean
    : F extends { kind: 'enum'; values: readonly (infer V)[] }
      ? V
      : F extends { kind: 'optional-string' }
        ? string | undefined
        : string;
export type OptionsOf<S extends OptionsSpec> = { readonly [K in keyof S]: ValueOf<S[K]> };
export type OptionsInput<S extends OptionsSpec> = { readonly [K in keyof S]?: ValueOf<S[K]> | undefined };

function checkField(component: string, name: string, spec: FieldSpec, value: unknown): unknown {
  const fail = (problem: string): never => {
    throw new OptionsError(component, name, `${problem} (got ${JSON.stringify(value)})`);
  };
  switch (spec.kind) {
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail('must be a finite number');
      if (spec.kind === 'integer' && !Number.isInteger(value)) return fail('must be an integer');
      if (spec.min !== undefined && value < spec.min) return fail(`must be at least ${spec.min}`);
      if (spec.max !== undefined && value > spec.max) return fail(`must be at most ${spec.max}`);
      return value;
    }
    case 'string':
      if (typeof value !== 'string') return fail('must be a string');
      if (spec.nonEmpty && value.length === 0) return fail('must not be empty');
      if (spec.pattern && !spec.pattern.test(value)) return fail(`must match ${spec.pattern}`);
      return value;
    case 'optional-string':
      if (value !== undefined && typeof value !== 'string') return fail('must be a string');
      return value;
    case 'enum':
      if (typeof value !== 'string' || !spec.values.includes(value)) return fail(`must be one of ${spec.values.join(', ')}`);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') return fail('must be true or false');
      return value;
  }
}

/**
 * Merges `input` over the spec's defaults and validates every field. Unknown fields are rejected,
 * so a misspelt option is an error, not a silent default.
 */
export function parseOptions<S extends OptionsSpec>(
  component: string,
  spec: S,
  input: OptionsInput<S> = {},
  check?: (options: OptionsOf<S>) => void,
): OptionsOf<S> {
  for (const name of Object.keys(input)) {
    if (!(name in spec)) throw new OptionsError(component, name, `unknown option; known: ${Object.keys(spec).join(', ')}`);
  }
  const result: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(spec)) {
    const given = (input as Record<string, unknown>)[name];
    result[name] = checkField(component, name, field, given === undefined ? field.default : given);
  }
  const options = Object.freeze(result) as OptionsOf<S>;
  check?.(options);
  return options;
}

/** Describes a spec as lines of `name (default X): doc`, for docs and CLI help. */
export function describeOptions(spec: OptionsSpec): string[] {
  return Object.entries(spec).map(([name, field]) => `${name} (default ${JSON.stringify(field.default)}): ${field.doc}`);
}

const durationUnitsMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `250ms`, `10s`, `5m`, `2h`, `3d` or a bare number of milliseconds. */
export function parseDurationMs(text: string, field = 'duration'): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new OptionsError('duration', field, `"${text}" is not a duration; write e.g. 500ms, 10s, 5m, 2h or 3d`);
  return Math.round(Number(match[1]) * durationUnitsMs[match[2] ?? 'ms']!);
}
