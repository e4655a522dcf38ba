import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url: session ids, OAuth2 `state`, PKCE verifiers, CSRF tokens. */
export const randomToken = (): string => randomBytes(32).toString('base64url');

/** SHA-256, hex: what the store keeps instead of a secret (session ids, API tokens). */
export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The PKCE S256 challenge of a verifier (RFC 7636 §4.2). */
export const pkceChallenge = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

/** Compares two secrets in constant time (false for different lengths). */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
