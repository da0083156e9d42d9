import type { ManifestProblem, SourceLocation } from '../errors.js';
import type { SubscriptionRef } from '../subscription.js';

export interface ManifestPolicy {
  /** Host patterns; `*.example.com` matches any subdomain. Absent: every host allowed. */
  allowedHosts?: string[];
  /** http:// for non-loopback hosts. */
  allowHttp: boolean;
}

export interface Manifest {
  /** Path as given by the user (used in messages). */
  file: string;
  /** Hex sha256 of the manifest's bytes, recorded in saved plans. */
  sha256: string;
  policy: ManifestPolicy;
  extraActions: Record<string, string[]>;
  /**
   * Every (entity, action, endpoint) triple the manifest asks for, in manifest order: the
   * endpoint as written (a template: renderers mask it) and the hash of what it resolved to,
   * never the resolved value, so plans take these objects as they are instead of copying 100k
   * of them.
   */
  subscriptions: SubscriptionRef[];
  /** Where each subscription is written (its action node): `locations[i]` is `subscriptions[i]`'s. */
  locations: SourceLocation[];
  /** The URL each `endpointSha256` stands for. Holds secrets: never print, log or store it. */
  readonly resolvedEndpoints: ReadonlyMap<string, string>;
}

/** Why a manifest cannot be used: every problem found, sorted by place. */
export interface ManifestProblems {
  ok: false;
  problems: ManifestProblem[];
}

export type ManifestResult = { ok: true; manifest: Manifest } | ManifestProblems;

/** A manifest checked without being identified (`biot-subs validate`). */
export type ManifestCheck = { ok: true; subscriptionCount: number } | ManifestProblems;

export type Environment = Readonly<Record<string, string | undefined>>;
