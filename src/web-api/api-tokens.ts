import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../ports/clock.js';
import type { KeyValueStore } from '../ports/store.js';
import type { WebUser } from './session-cookie.js';
import { UserError } from '../core/errors.js';
import { sha256Hex } from './web-crypto.js';

/**
 * Personal API tokens for apps: `tb_` + 32 random bytes (base64url), shown once at creation. The store keeps
 * only their SHA-256 (`web:token:<hash>` → the record, `web:user-token:<userId>:<id>` → the hash), so a copy of
 * the store cannot be used to call the API. A token acts as its user, under the same rules as the user.
 */
export const TOKEN_PREFIX = 'tb_';
export const MAX_TOKENS_PER_USER = 25;
/** lastUsedAt is written at most this often per token (a busy app must not write on every request). */
const LAST_USED_GRANULARITY_MS = 60_000;

export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

interface TokenRecord {
  readonly id: string;
  readonly name: string;
  readonly user: WebUser;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

const recordKey = (hash: string): string => `web:token:${hash}`;
const indexPrefix = (userId: string): string => `web:user-token:${userId}:`;

export class ApiTokens {
  constructor(
    private readonly store: KeyValueStore,
    private readonly clock: Clock,
  ) {}

  /** Creates a token; the raw value is in the answer and nowhere else. */
  async create(user: WebUser, name: string): Promise<{ id: string; name: string; token: string }> {
    const existing = await this.store.keys(indexPrefix(user.id));
    if (existing.length >= MAX_TOKENS_PER_USER) throw new UserError('TOKEN_LIMIT', { limit: MAX_TOKENS_PER_USER });
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const hash = sha256Hex(token);
    const record: TokenRecord = { id: randomUUID(), name, user, createdAt: this.clock.now(), lastUsedAt: null };
    await this.store.set(recordKey(hash), record);
    await this.store.set(`${indexPrefix(user.id)}${record.id}`, hash);
    return { id: record.id, name, token };
  }

  async list(userId: string): Promise<TokenInfo[]> {
    const keys = await this.store.keys(indexPrefix(userId));
    const records = await Promise.all(keys.map((k) => this.recordAt(k)));
    return records
      .filter((r): r is TokenRecord => r !== undefined)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((r) => ({
        id: r.id,
        name: r.name,
        createdAt: new Date(r.createdAt).toISOString(),
        lastUsedAt: r.lastUsedAt === null ? null : new Date(r.lastUsedAt).toISOString(),
      }));
  }

  /** Revokes one of the user's tokens; false when they have none with that id. */
  async revoke(userId: string, id: string): Promise<boolean> {
    const index = `${indexPrefix(userId)}${id}`;
    const hash = await this.store.get<string>(index);
    if (!hash) return false;
    await this.store.delete(recordKey(hash));
    await this.store.delete(index);
    return true;
  }

  /** The user a presented token belongs to, or undefined (unknown, revoked, or not a token at all). */
  async verify(token: string): Promise<WebUser | undefined> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return undefined;
    const key = recordKey(sha256Hex(token));
    const record = await this.store.get<TokenRecord>(key);
    if (!record) return undefined;
    const now = this.clock.now();
    if (record.lastUsedAt === null || now - record.lastUsedAt >= LAST_USED_GRANULARITY_MS)
      await this.store.set(key, { ...record, lastUsedAt: now });
    return record.user;
  }

  private async recordAt(indexKey: string): Promise<TokenRecord | undefined> {
    const hash = await this.store.get<string>(indexKey);
    return hash ? this.store.get<TokenRecord>(recordKey(hash)) : undefined;
  }
}
