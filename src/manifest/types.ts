import type { ManifestProblem, SourceLocation } from '../errors.js';
import type { SubscriptionRef } from '../subscription.js';

export interface ManifestPolicy {
  /** Host patterns; `*.example.com` matches any subdomain. Absent: every host allowed. */
  allowedHosts?: string[];
  /** http:// for non-loopback hosts. */
  allowHttp: boolean;
}

/** One expanded (entity, action, endpoint) triple the manifest asks for. */
export interface DesiredSubscription extends SubscriptionRef {
  /** The resolved URL. Holds secrets: never print, log or store it. */
  resolvedEndpoint: string;
  /** Names of the ${VAR} references in the template. */
  variables: string[];
  /** Where the entry (its action node) stands in the manifest. */
  location: SourceLocation;
}

export interface Manifest {
  /** Path as given by the user (used in messages). */
  file: string;
  /** Hex sha256 of the manifest's bytes, recorded in saved plans. */
  sha256: string;
  policy: ManifestPolicy;
  extraActions: Record<string, string[]>;
  subscriptions: DesiredSubscription[];
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
