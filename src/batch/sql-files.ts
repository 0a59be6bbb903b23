// Batch SQL lives in .sql files beside the code that runs it (CONVENTIONS.md rule 9). `{{name}}`
// placeholders are filled with SQL fragments (quoted literals, numbers) by `renderSql`, which
// refuses a template with a placeholder left over or a parameter it does not use.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assert } from '../core/index.js';

/**
 * The text of `name` beside the module at `moduleUrl`. The compiler copies no .sql files, so a
 * compiled module (`dist/<layer>/…`) falls back to the source tree it was built from
 * (`src/<layer>/…`), which the package ships.
 */
export function loadSql(moduleUrl: string, name: string): string {
  const beside = fileURLToPath(new URL(`./${name}`, moduleUrl));
  try {
    return readFileSync(beside, 'utf8');
  } catch (error) {
    const source = beside.replace(/([\\/])dist([\\/])/, '$1src$2');
    if (source === beside || (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return readFileSync(source, 'utf8');
  }
}

/** A SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Fills every `{{name}}` of `template` with `parameters[name]`. */
export function renderSql(template: string, parameters: Readonly<Record<string, string | number>>): string {
  const used = new Set<string>();
  const sql = template.replace(/\{\{([a-zA-Z]+)\}\}/g, (_, name: string) => {
    const value = parameters[name];
    assert(value !== undefined, () => `SQL parameter {{${name}}} is not given`);
    used.add(name);
    return String(value);
  });
  for (const name of Object.keys(parameters)) assert(used.has(name), () => `SQL parameter ${name} is not used by the template`);
  return sql;
}
