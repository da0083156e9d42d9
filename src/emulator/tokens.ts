import { randomBytes } from 'node:crypto';

export interface IssuedToken {
  token: string;
  expiresAt: number;
}

/**
 * Opaque access and refresh tokens with lifetimes, held in memory. Tokens are random (not
 * derived from the seed): they are secrets in spirit, and tests must not be able to guess them.
 */
export class TokenStore {
  readonly #access = new Map<string, number>();
  readonly #refresh = new Map<string, number>();

  constructor(
    private readonly accessTtlMs: number,
    private readonly refreshTtlMs: number,
  ) {}

  issueAccess(now: number): IssuedToken {
    return issue(this.#access, 'emu-at-', now + this.accessTtlMs);
  }

  issueRefresh(now: number): IssuedToken {
    return issue(this.#refresh, 'emu-rt-', now + this.refreshTtlMs);
  }

  isAccessValid(token: string, now: number): boolean {
    return isValid(this.#access, token, now);
  }

  /** A refresh token works once: it is rotated, as most identity providers do. */
  consumeRefresh(token: string, now: number): boolean {
    const ok = isValid(this.#refresh, token, now);
    this.#refresh.delete(token);
    return ok;
  }

  /** Every access token stops working at once: lets tests provoke a 401 mid-run. */
  expireAllAccess(): void {
    this.#access.clear();
  }

  clear(): void {
    this.#access.clear();
    this.#refresh.clear();
  }
}

function issue(map: Map<string, number>, prefix: string, expiresAt: number): IssuedToken {
  const token = prefix + randomBytes(24).toString('base64url');
  map.set(token, expiresAt);
  return { token, expiresAt };
}

function isValid(map: Map<string, number>, token: string, now: number): boolean {
  const expiresAt = map.get(token);
  if (expiresAt === undefined) return false;
  if (expiresAt <= now) {
    map.delete(token);
    return false;
  }
  return true;
}
