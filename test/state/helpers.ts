import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { State, StateEntry } from '../../src/state/types.js';
import type { SubscriptionRef } from '../../src/subscription.js';
import { sha256Hex } from '../../src/sha256.js';

const made: string[] = [];

/** A fresh folder under the OS temp dir, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'biot-subs-state-'));
  made.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

export const LINEAGE = '3f2b8c1e-9d4a-4e6b-8a7c-5d1e2f3a4b5c';

export function ref(entityTypeName: string, actionName: string, url: string, template: string = url): SubscriptionRef {
  return { entityTypeName, actionName, endpoint: template, endpointSha256: sha256Hex(url) };
}

export function entry(r: SubscriptionRef, appliedAt = '2026-11-28T10:00:00.000Z', uncertain = false): StateEntry {
  return uncertain ? { ...r, appliedAt, uncertain: true } : { ...r, appliedAt };
}

export function state(subscriptions: StateEntry[], serial = 0, target: string | null = 'https://api.dev.example.com'): State {
  return { version: 1, lineage: LINEAGE, serial, target, subscriptions };
}

/** An ISO time n seconds after a fixed origin: distinct, ordered, reproducible. */
export function at(n: number): string {
  return new Date(Date.UTC(2026, 10, 28, 10, 0, 0) + n * 1000).toISOString();
}
