// A job for the atomic output tests: it writes its partition's output file through
// writeOutputAtomically with the writer it is given, and reports the file's hash.
import { hourPartitions, writeOutputAtomically, type JobDefinition } from '../../src/orchestrator/index.js';

export function slowOutputJob(dir: string, write: (path: string) => Promise<void>): JobDefinition {
  return {
    name: 'hourly-export',
    partitions: hourPartitions,
    retry: { retries: 0 },
    run: async (context) => {
      const output = await writeOutputAtomically(dir, `${context.partition}.bin`, write, { signal: context.signal });
      return { outputHash: output.hash, outputs: [{ location: output.path, bytes: output.bytes }] };
    },
  };
}
