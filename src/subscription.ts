/** The three fields BioT's subscribe and unsubscribe calls take. */
export interface SubscriptionTriple {
  entityTypeName: string;
  actionName: string;
  endpoint: string;
}

/**
 * A subscription as biot-subs knows it without the resolved URL: the endpoint as written in the
 * manifest (a template that may hold ${VAR}) and the hash of what it resolved to.
 */
export interface SubscriptionRef {
  entityTypeName: string;
  actionName: string;
  /** The endpoint template as written in the manifest. */
  endpoint: string;
  /** Hex sha256 of the resolved endpoint URL. */
  endpointSha256: string;
}

/** Identity of a subscription: (entity, action, sha256 of the resolved endpoint). */
export function subscriptionKey(ref: Pick<SubscriptionRef, 'entityTypeName' | 'actionName' | 'endpointSha256'>): string {
  return `${ref.entityTypeName}\u0000${ref.actionName}\u0000${ref.endpointSha256}`;
}

/** Total order used wherever entries are listed: state file, plans, renderers. */
export function compareRefs(a: SubscriptionRef, b: SubscriptionRef): number {
  return (
    compareStrings(a.entityTypeName, b.entityTypeName) ||
    compareStrings(a.actionName, b.actionName) ||
    compareStrings(a.endpoint, b.endpoint) ||
    compareStrings(a.endpointSha256, b.endpointSha256)
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
