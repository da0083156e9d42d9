import { describe, expect, it } from 'vitest';
import { actionsOf, CATALOG, CATALOG_ENTITIES, isCatalogEntity } from '../../src/catalog/catalog.js';

describe('CATALOG', () => {
  it('holds every action of the older documented table', () => {
    expect(CATALOG.get('usage-session')).toEqual(
      expect.arrayContaining(['_create', '_remoteStart', '_remoteStop', '_remotePause', '_remoteResume', '_list', '_update', '_delete', '_read']),
    );
    expect(CATALOG.get('command')).toEqual(['_create', '_update', '_start', '_stop', '_delete']);
    expect(CATALOG.get('device')?.slice(0, 8)).toEqual([
      '_create', '_read', '_update', '_list', '_delete', '_generateCertificate', '_revokeCertificate', '_activateCertificate',
    ]);
  });

  it('adds every action of the newer table', () => {
    expect(CATALOG.get('caregiver')).toEqual(expect.arrayContaining(['_incomingSms', '_updateEnabledState', '_login']));
    expect(CATALOG.get('organization-user')).toEqual(expect.arrayContaining(['_incomingSms', '_updateEnabledState']));
    expect(CATALOG.get('patient')).toEqual(
      expect.arrayContaining(['_saveMeasurement', '_incomingSms', '_saveMeasurementBulk', '_updateEnabledState']),
    );
    expect(CATALOG.get('device')).toContain('_command');
    expect(CATALOG.get('device-alert')).toContain('_clear');
    expect(CATALOG.get('patient-alert')).toContain('_clear');
    expect(CATALOG.get('organization')).toContain('_updateAdmin');
    expect(CATALOG.get('registration-code')).toEqual(['_create', '_update', '_delete']);
  });

  it('lists each action once, entities sorted', () => {
    for (const actions of CATALOG.values()) expect(new Set(actions).size).toBe(actions.length);
    expect(CATALOG_ENTITIES).toEqual([...CATALOG_ENTITIES].sort());
    expect(CATALOG_ENTITIES).toHaveLength(11);
    expect(isCatalogEntity('patient')).toBe(true);
    expect(isCatalogEntity('toString')).toBe(false);
  });
});

describe('actionsOf', () => {
  it('is the catalog actions followed by the extra ones, without repeats', () => {
    expect(actionsOf('command', { command: ['_retry', '_create'] })).toEqual(['_create', '_update', '_start', '_stop', '_delete', '_retry']);
  });

  it('gives an entity the catalog does not know exactly its extra actions', () => {
    expect(actionsOf('lab-result', { 'lab-result': ['_create'] })).toEqual(['_create']);
    expect(actionsOf('lab-result')).toEqual([]);
  });

  it('does not read inherited properties of extraActions', () => {
    expect(actionsOf('constructor', {})).toEqual([]);
  });
});
