// Proves the packed numbers of a live message round-trip field by field, in `fraudNumberFields`
// order (the serving side reads fields by that order), and that the payload guards tell shapes apart.
import { describe, expect, it } from 'vitest';
import { emptyFraudNumbers, type FraudNumbers } from './fraud-numbers.js';
import { fraudNumberFields, fraudNumberStride, isFraudChangesPayload, isFraudIpNumbersPayload, readFraudNumbers, writeFraudNumbers } from './live-messages.js';

describe('fraud live messages', () => {
  it('packs numbers in field order and reads them back', () => {
    const numbers = emptyFraudNumbers();
    fraudNumberFields.forEach((field, index) => ((numbers as unknown as Record<string, number>)[field] = 1_000 + index * 1.5));
    const values = new Float64Array(fraudNumberStride * 2);
    writeFraudNumbers(values, 1, numbers);
    fraudNumberFields.forEach((field, index) => expect(values[fraudNumberStride + index]).toBe(numbers[field as keyof FraudNumbers]));
    expect(readFraudNumbers(values, 1)).toEqual(numbers);
    expect(Object.keys(emptyFraudNumbers()).sort()).toEqual([...fraudNumberFields].sort());
  });

  it('tells payloads apart', () => {
    expect(isFraudIpNumbersPayload({ partition: 0, count: 1, values: new Float64Array(fraudNumberStride) })).toBe(true);
    expect(isFraudIpNumbersPayload({ partition: 0, count: 2, values: new Float64Array(fraudNumberStride) })).toBe(false);
    expect(isFraudChangesPayload({ changes: [] })).toBe(true);
    expect(isFraudChangesPayload({ values: [] })).toBe(false);
  });
});
