/**
 * sha256 in hex: of a resolved endpoint (a subscription's identity), of a manifest's bytes (what
 * a saved plan was made from). In a module of its own so that only code that hashes loads
 * node:crypto: that is ~6 ms of a start (about 20 internal modules, streams among them), and
 * `biot-subs validate` checks a manifest without identifying anything.
 */
import * as crypto from 'node:crypto';

// crypto.hash (Node >= 20.12) is one native call: about 4x cheaper than a Hash object for the
// short strings hashed here, once per endpoint of manifests with thousands of them. The
// namespace import keeps older Node 20 releases, which lack it, loading this module.
const oneShot: ((algorithm: string, data: string | Uint8Array, encoding: 'hex') => string) | undefined =
  typeof crypto.hash === 'function' ? crypto.hash : undefined;

/** Hex sha256 of `data`; a string is hashed as its UTF-8 bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return oneShot ? oneShot('sha256', data, 'hex') : crypto.createHash('sha256').update(data).digest('hex');
}
