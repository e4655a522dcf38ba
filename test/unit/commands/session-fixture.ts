import { Queue } from '../../../src/core/queue.js';
import type { Logger } from '../../../src/ports/logger.js';
import { GuildSession } from '../../../src/session/guild-session.js';
import { FakeLink, FakeLoader } from '../../support/fake-voice.js';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const clock = {
  now: () => 1000,
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimeout: () => undefined,
};

/** A real session on a fake voice link, for views and ballots that read a session. */
export function fakeSession(guildId = 'g1'): { session: GuildSession; link: FakeLink } {
  const link = new FakeLink(guildId);
  const session = new GuildSession({
    guildId,
    link,
    loader: new FakeLoader(),
    clock,
    logger: silent,
    textChannelId: 'text-1',
    queue: new Queue(),
    notifier: { send: async () => undefined },
  });
  return { session, link };
}

export const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));
