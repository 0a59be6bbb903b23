// The dashboard's static files: the pages' HTML, CSS and browser modules in `src/web/assets`,
// and uPlot's script and style from its package. All are read once, when the dashboard is
// registered, and kept in memory (about 150 KB). The compiler copies no non-TS files, so a
// compiled module (`dist/web/…`) falls back to the source tree it was built from (`src/web/…`),
// which the package ships, as the batch layer does for its .sql files.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset {
  /** The path under `/dashboard/assets/`. */
  name: string;
  contentType: string;
  body: Uint8Array;
  /** A strong validator of the body, for `If-None-Match`. */
  etag: string;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The folder of the dashboard's own files: beside this module, or in the source tree. */
export function assetsFolder(moduleUrl: string = import.meta.url): string {
  const beside = fileURLToPath(new URL('./assets/', moduleUrl));
  if (isFolder(beside)) return beside;
  const source = beside.replace(/([\\/])dist([\\/])/, '$1src$2');
  if (source !== beside && isFolder(source)) return source;
  throw new Error(`the dashboard's files are missing: neither ${beside} nor ${source} exists`);
}

function isFolder(folder: string): boolean {
  try {
    return statSync(folder).isDirectory();
  } catch {
    return false;
  }
}

function assetOf(name: string, body: Uint8Array): Asset {
  const contentType = contentTypes[path.extname(name)] ?? 'application/octet-stream';
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  return { name, contentType, body, etag };
}

/** Every file the dashboard serves, by its name under `/dashboard/assets/`. */
export function loadAssets(folder: string = assetsFolder()): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(folder)) {
    if (!(path.extname(name) in contentTypes)) continue;
    assets.set(name, assetOf(name, readFileSync(path.join(folder, name))));
  }
  const require = createRequire(import.meta.url);
  assets.set('uplot.js', assetOf('uplot.js', readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'))));
  assets.set('uplot.css', assetOf('uplot.css', readFileSync(require.resolve('uplot/dist/uPlot.min.css'))));
  return assets;
}
