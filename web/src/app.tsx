import { allowedImage } from './message-text.js';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, setCsrfToken } from './api.js';
import { GuildPicker } from './guild-picker.js';
import { GuildView } from './guild-view.js';
import { type Notices, useNotices } from './notices.js';
import { TokensPanel } from './tokens-panel.js';
import type { Guild, Me } from './types.js';

const GUILD_HASH = /^#guild=(\d+)$/;

function useSession(notices: Notices, expired: { current: () => void }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  expired.current = () => setMe(null);
  useEffect(() => {
    api.me().then(
      (body) => {
        setCsrfToken(body.csrfToken);
        setMe(body);
      },
      (error: unknown) => {
        if (!(error instanceof ApiError && error.status === 401)) notices.fail(error);
        setMe(null);
      },
    );
  }, []);
  const logout = async () => {
    if (await notices.act(api.logout())) setMe(null);
  };
  return { me, logout };
}

function useGuilds(me: Me | null | undefined, notices: Notices) {
  const [guilds, setGuilds] = useState<readonly Guild[] | null>(null);
  const [selected, setSelected] = useState<string | null>(() => GUILD_HASH.exec(location.hash)?.[1] ?? null);
  useEffect(() => {
    if (!me) return;
    api.guilds().then((body) => setGuilds(body.guilds), notices.fail);
  }, [me]);
  const select = (id: string) => {
    history.replaceState(null, '', `#guild=${id}`);
    setSelected(id);
  };
  return { guilds, selected, select };
}

/** The page: logged out, a login button; logged in, the server picker, the chosen server's player, tokens. */
export function App() {
  const expired = useRef<() => void>(() => undefined);
  const notices = useNotices(() => expired.current());
  const { me, logout } = useSession(notices, expired);
  const { guilds, selected, select } = useGuilds(me, notices);
  return (
    <>
      <header class="top">
        <h1 class="brand">tunebot</h1>
        {me ? <Account me={me} onLogout={logout} /> : null}
      </header>
      <Alerts notices={notices} />
      <main id="main">
        {me === undefined ? <p class="muted">Loading…</p> : null}
        {me === null ? <LoggedOut /> : null}
        {me ? <GuildPicker guilds={guilds} selected={selected} onSelect={select} /> : null}
        {me && selected ? <GuildView key={selected} guildId={selected} notices={notices} /> : null}
        {me && !selected && guilds?.length ? <p class="muted">Pick a server above to see its player.</p> : null}
        {me ? <TokensPanel notices={notices} /> : null}
      </main>
    </>
  );
}

function Account({ me, onLogout }: { me: Me; onLogout: () => void }) {
  return (
    <div class="account">
      {allowedImage(me.user.avatarUrl) ? (
        <img class="avatar" src={allowedImage(me.user.avatarUrl) ?? ''} alt="" width={28} height={28} />
      ) : null}
      <span class="user-name">{me.user.globalName ?? me.user.username}</span>
      <button type="button" data-testid="logout" onClick={onLogout}>
        Log out
      </button>
    </div>
  );
}

function LoggedOut() {
  return (
    <section class="card login-card" aria-labelledby="login-heading">
      <h2 id="login-heading">See and steer the music from your browser</h2>
      <p>Log in with your Discord account. You can do here exactly what you may do with the slash commands.</p>
      <a class="button primary" href="/auth/login" data-testid="login">
        Log in with Discord
      </a>
    </section>
  );
}

function Alerts({ notices }: { notices: Notices }) {
  return (
    <div class="alerts">
      <div class="alert" role="alert" data-testid="error">
        {notices.error}
      </div>
      {notices.error ? (
        <button type="button" class="dismiss" aria-label="Dismiss the error" onClick={notices.dismiss}>
          ✕
        </button>
      ) : null}
      <div class="notice" role="status" data-testid="notice">
        {notices.notice}
      </div>
    </div>
  );
}
