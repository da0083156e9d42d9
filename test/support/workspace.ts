import { join } from 'node:path';

/** The files the CLI reads and writes by default in its working folder. */
export const MANIFEST_FILE = 'subscriptions.yaml';
export const STATE_FILE = 'subscriptions.state.json';

export interface WorkspacePaths {
  dir: string;
  manifest: string;
  statePath: string;
}

/** The default manifest and state paths in `dir`. */
export function workspacePaths(dir: string): WorkspacePaths {
  return { dir, manifest: join(dir, MANIFEST_FILE), statePath: join(dir, STATE_FILE) };
}
