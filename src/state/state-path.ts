import { basename, dirname, join } from 'node:path';

/**
 * The state file that goes with a manifest: beside it, `subscriptions.yaml` →
 * `subscriptions.state.json` (`x.yml` → `x.state.json`, other names → `<name>.state.json`).
 */
export function defaultStatePath(manifestPath: string): string {
  const name = basename(manifestPath);
  const stem = name.replace(/\.ya?ml$/i, '');
  return join(dirname(manifestPath), `${stem === '' ? name : stem}.state.json`);
}

/** The apply journal kept beside the state while an apply runs. */
export function journalPath(statePath: string): string {
  return `${statePath}.journal`;
}

/** The lock that keeps two applies off one state. */
export function lockPath(statePath: string): string {
  return `${statePath}.lock`;
}
