/**
 * The few error classes a user can meet. Each carries what is needed to fix the problem; only
 * the CLI entry turns them into a message and an exit code. Messages never contain secrets.
 */
export class BiotSubsError extends Error {
  override readonly name: string = 'BiotSubsError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Bad command-line usage: unknown command or flag, bad flag value. */
export class UsageError extends BiotSubsError {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

export interface ManifestProblem {
  location: SourceLocation;
  message: string;
}

/** The manifest was rejected; every problem found is listed, each with its place. */
export class ManifestError extends BiotSubsError {
  override readonly name = 'ManifestError';
  constructor(readonly problems: readonly ManifestProblem[]) {
    super(`${problems.length} problem${problems.length === 1 ? '' : 's'} in the manifest`);
  }
}

/** The state file (or its journal or lock) cannot be used as it is. */
export class StateError extends BiotSubsError {
  override readonly name = 'StateError';
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
}

/** Another run holds the state's lock. */
export class LockHeldError extends BiotSubsError {
  override readonly name = 'LockHeldError';
  constructor(
    readonly lockFile: string,
    readonly holder: LockHolder | null,
  ) {
    super(
      holder
        ? `the state is locked by pid ${holder.pid} on ${holder.host} (${holder.command}, since ${holder.startedAt}): ${lockFile}; if that run is gone, remove the lock with 'biot-subs state unlock'`
        : `the state is locked (${lockFile}); if no run is active, remove the lock with 'biot-subs state unlock'`,
    );
  }
}

/** No usable credentials in the environment, or BioT refused them. */
export class CredentialsError extends BiotSubsError {
  override readonly name = 'CredentialsError';
}

/** The run was refused before any call: mass delete, wrong environment, stale plan, no approval. */
export class RefusedError extends BiotSubsError {
  override readonly name = 'RefusedError';
}

/** What BioT said when it refused a call; never holds the request body or headers. */
export interface BiotErrorDetail {
  status?: number;
  code?: string;
  message: string;
  traceId?: string;
}

/** A BioT call failed for good (after retries where retrying was allowed). */
export class BiotApiError extends BiotSubsError {
  override readonly name = 'BiotApiError';
  constructor(
    readonly detail: BiotErrorDetail,
    options?: { cause?: unknown },
  ) {
    super(
      [
        detail.status !== undefined ? `HTTP ${detail.status}` : 'no response',
        detail.code,
        detail.message,
        detail.traceId ? `trace ${detail.traceId}` : undefined,
      ]
        .filter(Boolean)
        .join(': '),
      options,
    );
  }
}
