import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../offline-discord/index.js';
import { startSourcesStack, type SourcesStack } from './sources-support.js';

/**
 * Autoplay with the fake yt-dlp's "Mix" (watch?v=<id>&list=RD<id>): when the queue runs out a related track
 * starts and the channel is told; a track from the history, or the same song under another id, is never
 * picked.
 */
let stack: SourcesStack;
let g: string;
let alice: string;

const PLAYED = 'PlayedTone1'; // played first: in the history
const SEED = 'SeedTone001'; // the last queued track: autoplay starts from its Mix
const REUPLOAD = 'ReUpload001'; // the same song as PLAYED under another id
const FRESH = 'FreshTone01'; // what autoplay must pick

async function video(id: string, title: string, hz: number, seconds: number): Promise<void> {
  const mediaUrl = await stack.media.tone({ hz, seconds, format: 'webm' });
  stack.ytdlp.video(id, { fixture: stack.ytdlp.videoFixture({ id, title, durationSec: seconds }), mediaUrl });
}

/** The Mix of SEED as yt-dlp prints it (flat): the seed first, then related videos best first. */
function mixOf(seed: string, entries: Array<{ id: string; title: string; duration: number }>): string {
  const stub = (e: { id: string; title: string; duration: number }) => ({
    _type: 'url',
    ie_key: 'Youtube',
    id: e.id,
    url: `https://www.youtube.com/watch?v=${e.id}`,
    title: e.title,
    duration: e.duration,
    channel: 'Tone Channel',
    uploader: 'Tone Channel',
    live_status: null,
  });
  const mix = {
    id: `RD${seed}`,
    title: 'Mix - Seed Song',
    _type: 'playlist',
    extractor: 'youtube:tab',
    extractor_key: 'YoutubeTab',
    webpage_url: `https://www.youtube.com/watch?v=${seed}&list=RD${seed}`,
    entries: [{ id: seed, title: 'Seed Song', duration: 5 }, ...entries].map(stub),
  };
  const file = join(stack.dir, `mix-${seed}.json`);
  writeFileSync(file, JSON.stringify(mix));
  return relative(join(REPO_ROOT, 'test/fixtures/ytdlp'), file);
}

beforeAll(async () => {
  stack = await startSourcesStack();
  g = stack.guildId;
  alice = stack.users.alice;
  stack.join(alice);
  await video(PLAYED, 'Tone Band - First Song', 330, 4);
  await video(SEED, 'Tone Band - Seed Song', 550, 4);
  await video(REUPLOAD, 'First Song (Official Audio)', 770, 30);
  await video(FRESH, 'Tone Band - Fresh Song', 880, 30);
  const fixture = mixOf(SEED, [
    { id: PLAYED, title: 'Tone Band - First Song', duration: 4 },
    { id: REUPLOAD, title: 'First Song (Official Audio)', duration: 30 },
    { id: FRESH, title: 'Tone Band - Fresh Song', duration: 30 },
  ]);
  stack.ytdlp.addRules({ match: `list=RD${SEED}`, env: { FAKE_YTDLP_FIXTURE: fixture } });
});

afterAll(async () => {
  await stack?.close();
});

describe('autoplay', () => {
  it('with autoplay on, a related track starts when the queue runs out, never one from the history', async () => {
    expect(await stack.ask(alice, 'play', { query: `https://www.youtube.com/watch?v=${PLAYED}` })).toMatch(
      /Started \*\*Tone Band \\- First Song\*\*/,
    );
    expect(await stack.ask(alice, 'play', { query: `https://www.youtube.com/watch?v=${SEED}` })).toMatch(/Queued/);
    expect(await stack.ask(alice, 'autoplay', { enabled: true })).toMatch(/Autoplay is \*\*on\*\*/);
    const notice = await stack.discord.waitForChannelMessage(
      stack.textChannelId,
      (m) => /📻 Autoplay: queued/.test(m.content ?? ''),
      40_000,
    );
    expect(notice.content).toMatch(
      /queued \*\*Tone Band \\- Fresh Song\*\* \(related to \*\*Tone Band \\- Seed Song\*\*\)/,
    );
    await stack.discord.voice.waitForFrequency(g, 880, { toleranceHz: 8, since: notice.at - 2000, timeoutMs: 20_000 });
    expect(await stack.ask(alice, 'nowplaying')).toMatch(/Fresh Song[\s\S]*autoplay/);
    const mixRuns = stack.ytdlp.invocations().filter((args) => args.some((a) => a.includes(`list=RD${SEED}`)));
    expect(mixRuns).toHaveLength(1);
    expect(mixRuns[0]).toContain('--yes-playlist');
  });

  it('turned off, the queue running out stops playback', async () => {
    expect(await stack.ask(alice, 'autoplay', { enabled: false })).toMatch(/Autoplay is \*\*off\*\*/);
    await stack.ask(alice, 'skip');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await stack.ask(alice, 'nowplaying')).toMatch(/❌ Nothing is playing/);
    stack.discord.rest.assertNoViolations();
  });
});
