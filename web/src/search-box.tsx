import { useState } from 'preact/hooks';

interface Props {
  /** Queues the query (as /play query:<query>); resolves true when the server took it. */
  readonly onAdd: (query: string) => Promise<boolean>;
}

/** Search-and-add: a link or words, queued exactly as /play would. */
export function SearchBox({ onAdd }: Props) {
  const [query, setQuery] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const text = query.trim();
    if (!text || busy) return;
    setBusy(true);
    if (await onAdd(text)) setQuery('');
    setBusy(false);
  };
  return (
    <section class="card" aria-labelledby="search-heading">
      <h2 id="search-heading">Add to the queue</h2>
      <form class="search" onSubmit={submit}>
        <label class="visually-hidden" for="search-input">
          Link or search words
        </label>
        <input
          id="search-input"
          type="search"
          data-testid="search-input"
          placeholder="A link, or words to search"
          autocomplete="off"
          value={query}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
        <button type="submit" class="primary" data-testid="search-submit" disabled={busy}>
          {busy ? 'Adding…' : 'Add'}
        </button>
      </form>
    </section>
  );
}
