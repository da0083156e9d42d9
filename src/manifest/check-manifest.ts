/**
 * What `biot-subs validate` asks: is the manifest file good, and how many subscriptions does it
 * ask for? The same reading and checks as loadManifest, without identifying the subscriptions:
 * nothing is hashed, so node:crypto is never loaded (~6 ms of validate's start).
 */
import { checkManifestText } from './check-manifest-text.js';
import { readManifestFile } from './read-manifest-file.js';
import type { Environment, ManifestCheck } from './types.js';

export async function checkManifestFile(path: string, env: Environment): Promise<ManifestCheck> {
  const file = readManifestFile(path);
  if (!file.ok) return file;
  let subscriptionCount = 0;
  const checked = checkManifestText(file.text, path, env, (_entity, actionNames) => {
    subscriptionCount += actionNames.length;
  });
  return checked.ok ? { ok: true, subscriptionCount } : checked;
}
