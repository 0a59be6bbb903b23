// Starts a worker thread on a module of this package. Compiled, the module is JavaScript and runs
// as is; from source (tests, `tsx`), a thread does not inherit the parent's TypeScript loader, so
// it boots through tsx's API, which is a development dependency only.
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type TransferListItem } from 'node:worker_threads';

/** `./name.js` when this module is compiled, `./name.ts` when it runs from source. */
export function siblingModule(moduleUrl: string, name: string): URL {
  return new URL(`./${name}${extname(fileURLToPath(moduleUrl))}`, moduleUrl);
}

export function startModuleThread(module: URL, workerData: unknown, transferList: readonly TransferListItem[]): Worker {
  if (!module.pathname.endsWith('.ts')) return new Worker(module, { workerData, transferList: [...transferList] });
  // The package's `import` condition of tsx/esm/api, found through its `require` one.
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
  const boot = `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(module.href)}, ${JSON.stringify(module.href)}))`;
  return new Worker(boot, { eval: true, workerData, transferList: [...transferList] });
}
