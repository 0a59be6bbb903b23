// Proves the archiver's options are validated once, naming the field, and travel to worker
// processes through the environment unchanged.
import { describe, expect, it } from 'vitest';
import { limits } from '../../core/index.js';
import { archiverWorkerOptions } from './archiver-job.js';
import { parseArchiverOptions } from './options.js';
import { archiverEnvironment, archiverOptionsFromEnvironment } from './registry.js';

describe('archiver options', () => {
  it('fills defaults and refuses bad values naming the field', () => {
    expect(parseArchiverOptions({ lakeDir: '/data/lake' })).toMatchObject({ lakeDir: '/data/lake', allowedLatenessMs: limits.lakeAllowedLatenessMsDefault, fileRowsMax: limits.archiverFileRowsDefault });
    expect(() => parseArchiverOptions({})).toThrow(/archiver option lakeDir: must not be empty/);
    expect(() => parseArchiverOptions({ lakeDir: 'x', allowedLatenessMs: -1 })).toThrow(/archiver option allowedLatenessMs: must be at least 0/);
    expect(() => parseArchiverOptions({ lakeDir: 'x', fileRowsMax: limits.archiverFileRowsMax + 1 })).toThrow(/fileRowsMax/);
    expect(() => parseArchiverOptions({ lakeDir: 'x', spoolBuffer: 1 } as never)).toThrow(/unknown option/);
  });

  it('travels in the environment, and asks workers for long checkpoints', () => {
    const options = { lakeDir: '/data/lake', allowedLatenessMs: 60_000 };
    expect(archiverOptionsFromEnvironment(archiverEnvironment(options))).toEqual(options);
    expect(archiverOptionsFromEnvironment({})).toEqual({});
    expect(archiverWorkerOptions.checkpointIntervalMs).toBe(limits.archiverCheckpointIntervalMsDefault);
  });
});
