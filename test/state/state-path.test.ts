import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultStatePath, journalPath, lockPath } from '../../src/state/state-path.js';

describe('defaultStatePath', () => {
  it('puts the state beside the manifest', () => {
    expect(defaultStatePath('subscriptions.yaml')).toBe('subscriptions.state.json');
    expect(defaultStatePath(join('ops', 'dev', 'subscriptions.yaml'))).toBe(join('ops', 'dev', 'subscriptions.state.json'));
    expect(defaultStatePath('/abs/x.yml')).toBe('/abs/x.state.json');
    expect(defaultStatePath('x.YAML')).toBe('x.state.json');
  });

  it('appends to names that are not YAML', () => {
    expect(defaultStatePath('subs.json')).toBe('subs.json.state.json');
    expect(defaultStatePath('manifest')).toBe('manifest.state.json');
    expect(defaultStatePath('.yaml')).toBe('.yaml.state.json');
  });

  it('names the journal and the lock after the state', () => {
    expect(journalPath('a/s.state.json')).toBe('a/s.state.json.journal');
    expect(lockPath('a/s.state.json')).toBe('a/s.state.json.lock');
  });
});
