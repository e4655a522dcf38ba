import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import type { Notices } from './notices.js';
import type { ApiToken, CreatedToken } from './types.js';

function useTokens(notices: Notices) {
  const [tokens, setTokens] = useState<readonly ApiToken[]>([]);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    api.tokens().then((body) => setTokens(body.tokens), notices.fail);
  }, [tick]);
  const create = async (label: string) => {
    const call = api.createToken(label);
    if (!(await notices.act(call))) return false;
    setCreated(await call);
    setTick((t) => t + 1);
    return true;
  };
  const revoke = async (id: string) => {
    if (!(await notices.act(api.revokeToken(id)))) return;
    if (created?.id === id) setCreated(null);
    setTick((t) => t + 1);
  };
  return { tokens, created, create, revoke };
}

/** Personal API tokens for apps: create (the secret is shown once, here), list, revoke. */
export function TokensPanel({ notices }: { notices: Notices }) {
  const { tokens, created, create, revoke } = useTokens(notices);
  const [name, setName] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    if (name.trim() && (await create(name.trim()))) setName('');
  };
  return (
    <section class="card" aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">API tokens</h2>
      <p class="muted small">For apps that use the REST API (header Authorization: Bearer …).</p>
      {created ? <CreatedBox token={created} /> : null}
      <form class="search" onSubmit={submit}>
        <label class="visually-hidden" for="token-name">
          Token name
        </label>
        <input
          id="token-name"
          data-testid="token-name"
          placeholder="Name, e.g. phone app"
          maxLength={64}
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <button type="submit" data-testid="token-create">
          Create token
        </button>
      </form>
      <TokenList tokens={tokens} onRevoke={revoke} />
    </section>
  );
}

function CreatedBox({ token }: { token: CreatedToken }) {
  return (
    <div class="created-token" data-testid="token-created">
      <p>
        New token <strong>{token.name}</strong>. Copy it now: it is shown only once.
      </p>
      <code data-testid="token-value">{token.token}</code>
    </div>
  );
}

function TokenList({ tokens, onRevoke }: { tokens: readonly ApiToken[]; onRevoke: (id: string) => void }) {
  return (
    <ul class="plain-list" data-testid="tokens">
      {tokens.map((t) => (
        <li key={t.id} class="list-row">
          <span>
            {t.name}{' '}
            <span class="muted small">
              created {t.createdAt.slice(0, 10)}
              {t.lastUsedAt ? `, last used ${t.lastUsedAt.slice(0, 10)}` : ', never used'}
            </span>
          </span>
          <button type="button" aria-label={`Revoke token ${t.name}`} onClick={() => onRevoke(t.id)}>
            Revoke
          </button>
        </li>
      ))}
    </ul>
  );
}
