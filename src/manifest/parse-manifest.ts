/**
 * Manifest text → the subscriptions it asks for, each identified by the sha256 of its resolved
 * endpoint (checkManifestText does the rest). No I/O; nothing throws on any input.
 */
import type { SourceLocation } from '../errors.js';
import { sha256Hex } from '../sha256.js';
import type { SubscriptionRef } from '../subscription.js';
import { checkManifestText } from './check-manifest-text.js';
import type { ResolvedUrl } from './expand.js';
import type { Environment, ManifestResult } from './types.js';

/**
 * `sha256`: the hash to record for the manifest, when the caller has it already (loadManifest
 * hashes the bytes on disk, byte order mark included); else the hash of `text`.
 */
export function parseManifest(text: string, file: string, env: Environment, sha256?: string): ManifestResult {
  const subscriptions: SubscriptionRef[] = [];
  const locations: SourceLocation[] = [];
  // By URL index, once per URL: arrays rather than maps, which at 20k URLs cost more than the
  // hashing itself.
  const hashes: string[] = [];
  const urls: ResolvedUrl[] = [];
  const checked = checkManifestText(text, file, env, (entityTypeName, actionNames, template, url, location) => {
    let hash = hashes[url.index];
    if (hash === undefined) {
      hash = sha256Hex(url.resolved);
      hashes[url.index] = hash;
      urls.push(url);
    }
    // Indexed: `actionNames` is often a frozen catalog list, which for-of walks slower.
    for (let i = 0; i < actionNames.length; i++) {
      // The four fields of a ref and no more: plans take these objects as they are.
      subscriptions.push({ entityTypeName, actionName: actionNames[i] as string, endpoint: template, endpointSha256: hash });
      locations.push(location);
    }
  });
  if (!checked.ok) return checked;
  // Only reconcile looks URLs up (plan never does): the map is built on first use.
  let resolvedEndpoints: Map<string, string> | undefined;
  return {
    ok: true,
    manifest: {
      file,
      sha256: sha256 ?? sha256Hex(text),
      ...checked.sections,
      subscriptions,
      locations,
      get resolvedEndpoints(): ReadonlyMap<string, string> {
        resolvedEndpoints ??= new Map(urls.map((url) => [hashes[url.index] as string, url.resolved]));
        return resolvedEndpoints;
      },
    },
  };
}
