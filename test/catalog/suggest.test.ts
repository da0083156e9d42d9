import { describe, expect, it } from 'vitest';
import { CATALOG, CATALOG_ENTITIES } from '../../src/catalog/catalog.js';
import { didYouMean, editDistance, suggest } from '../../src/catalog/suggest.js';

const patientActions = CATALOG.get('patient') ?? [];

describe('editDistance', () => {
  it('counts an adjacent transposition as one edit', () => {
    expect(editDistance('pateint', 'patient')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('stops early beyond a limit', () => {
    expect(editDistance('a'.repeat(50), 'b'.repeat(50), 2)).toBe(3);
  });
});

describe('suggest', () => {
  it('finds misspelt entities', () => {
    expect(suggest('pateint', CATALOG_ENTITIES)[0]).toBe('patient');
    expect(suggest('devise', CATALOG_ENTITIES)[0]).toBe('device');
    expect(suggest('usage_session', CATALOG_ENTITIES)).toEqual(['usage-session']);
    expect(suggest('Patient', CATALOG_ENTITIES)[0]).toBe('patient');
  });

  it('finds actions written without underscore or in another case', () => {
    expect(suggest('create', patientActions)).toEqual(['_create']);
    expect(suggest('_Create', patientActions)).toEqual(['_create']);
    expect(suggest('CREATE', patientActions)).toEqual(['_create']);
    expect(suggest('_updat', patientActions)[0]).toBe('_update');
  });

  it('completes prefixes, shortest first', () => {
    expect(suggest('_saveMeas', patientActions)).toEqual(['_saveMeasurement', '_saveMeasurementBulk']);
  });

  it('returns at most three, closest first', () => {
    expect(suggest('_ab', ['_abd', '_ac', '_abc', '_ad', '_ae'])).toEqual(['_abc', '_abd', '_ac']);
  });

  it('returns nothing for unrelated names', () => {
    expect(suggest('firmware', CATALOG_ENTITIES)).toEqual([]);
    expect(suggest('', CATALOG_ENTITIES)).toEqual([]);
  });

  it('copes with long inputs', () => {
    expect(suggest('x'.repeat(100_000), CATALOG_ENTITIES)).toEqual([]);
  });
});

describe('didYouMean', () => {
  it('phrases one, two or three names', () => {
    expect(didYouMean('pateint', ['patient'])).toBe(' (did you mean `patient`?)');
    expect(didYouMean('actionname', ['actionName', 'actionNames'])).toBe(' (did you mean `actionName` or `actionNames`?)');
    expect(didYouMean('zzz', ['patient'])).toBe('');
  });
});
