/**
 * Manifest text → the subscriptions it asks for, each identified by the sha256 of its resolved
 * endpoint (checkManifestText does the rest). No I/O; nothing throws on any input.
 */
import { sha256Hex } from '../sha256.js';
import { checkManifestText } from './check-manifest-text.js';
import type { ResolvedEndpoint } from './expand.js';
import type { DesiredSubscription, Environment, ManifestResult } from './types.js';

/**
 * `sha256`: the hash to record for the manifest, when the caller has it already (loadManifest
 * hashes the bytes on disk, byte order mark included); else the hash of `text`.
 */
export function parseManifest(text: string, file: string, env: Environment, sha256?: string): ManifestResult {
  const subscriptions: DesiredSubscription[] = [];
  // Once per template: most triples share their entry's, so the last one is checked first.
  const hashes = new Map<ResolvedEndpoint, string>();
  let last: ResolvedEndpoint | undefined;
  let lastHash = '';
  const checked = checkManifestText(text, file, env, (entityTypeName, actionName, template, endpoint, location) => {
    if (endpoint !== last) {
      last = endpoint;
      let hash = hashes.get(endpoint);
      if (hash === undefined) hashes.set(endpoint, (hash = sha256Hex(endpoint.resolved)));
      lastHash = hash;
    }
    subscriptions.push({
      entityTypeName,
      actionName,
      endpoint: template,
      endpointSha256: lastHash,
      resolvedEndpoint: endpoint.resolved,
      variables: endpoint.variables,
      location,
    });
  });
  if (!checked.ok) return checked;
  return { ok: true, manifest: { file, sha256: sha256 ?? sha256Hex(text), ...checked.sections, subscriptions } };
}
