/**
 * Reads a manifest file and runs parseManifest on it. The file is read synchronously (see
 * readManifestFile): the event loop waits for it.
 */
import { sha256Hex } from '../sha256.js';
import { parseManifest } from './parse-manifest.js';
import { readManifestFile } from './read-manifest-file.js';
import type { Environment, ManifestResult } from './types.js';

export async function loadManifest(path: string, env: Environment): Promise<ManifestResult> {
  const file = readManifestFile(path);
  if (!file.ok) return file;
  // The hash is of the bytes on disk (a byte order mark included), as a saved plan records it.
  return parseManifest(file.text, path, env, sha256Hex(file.bytes));
}
