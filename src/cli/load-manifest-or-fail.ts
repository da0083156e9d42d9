import { ManifestError } from '../errors.js';
import { loadManifest } from '../manifest/load-manifest.js';
import type { Environment, Manifest } from '../manifest/types.js';

/** Loads and validates the manifest; every problem found is thrown at once. */
export async function loadManifestOrFail(path: string, env: Environment): Promise<Manifest> {
  const result = await loadManifest(path, env);
  if (!result.ok) throw new ManifestError(result.problems);
  return result.manifest;
}
