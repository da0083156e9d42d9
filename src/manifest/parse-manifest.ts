/**
 * Manifest text → the subscriptions it asks for, each identified by the sha256 of its resolved
 * endpoint (checkManifestText does the rest). No I/O; nothing throws on any input.
 */
import type { SourceLocation } from '../errors.js';
import { sha256Hex } from '../sha256.js';
import type { SubscriptionRef } from '../subscription.js';
import { checkManifestText } from './check-manifest-text.js';
import type { ResolvedEndpoint } from './expand.js';
import type { Environment, ManifestResult } from './types.js';

/**
 * `sha256`: the hash to record for the manifest, when the caller has it already (loadManifest
 * hashes the bytes on disk, byte order mark included); else the hash of `text`.
 */
export function parseManifest(text: string, file: string, env: Environment, sha256?: string): ManifestResult {
  const subscriptions: SubscriptionRef[] = [];
  const locations: SourceLocation[] = [];
  const resolvedEndpoints = new Map<string, string>();
  // Once per template: most triples share their entry's, so the last one is checked first.
  const hashes = new Map<ResolvedEndpoint, string>();
  let last: ResolvedEndpoint | undefined;
  let lastHash = '';
  const checked = checkManifestText(text, file, env, (entityTypeName, actionName, template, endpoint, location) => {
    if (endpoint !== last) {
      last = endpoint;
      let hash = hashes.get(endpoint);
      if (hash === undefined) {
        hash = sha256Hex(endpoint.resolved);
        hashes.set(endpoint, hash);
        resolvedEndpoints.set(hash, endpoint.resolved);
      }
      lastHash = hash;
    }
    // The four fields of a ref and no more: plans take these objects as they are.
    subscriptions.push({ entityTypeName, actionName, endpoint: template, endpointSha256: lastHash });
    locations.push(location);
  });
  if (!checked.ok) return checked;
  return {
    ok: true,
    manifest: { file, sha256: sha256 ?? sha256Hex(text), ...checked.sections, subscriptions, locations, resolvedEndpoints },
  };
}
