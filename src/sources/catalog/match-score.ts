/**
 * Scoring YouTube search results against a Spotify/Deezer track, to pick the upload that is the same
 * recording. Pure and deterministic, so every rule is unit-tested on realistic titles.
 *
 * total = 0.5·title + 0.25·artist + 0.25·duration − penalties, each part in [0, 1]:
 * - title: how much of the wanted title the candidate contains, minus a little for words neither the
 *   title nor the artist explains ("Official Video", "HD", "Remastered" are noise and ignored on both sides);
 * - artist: a wanted artist is the uploader (best: "Artist - Topic" and VEVO channels count) or is named in
 *   the title;
 * - duration: 1 at equal length, falling linearly to 0 at 30 s apart (0.5 when a length is unknown);
 * - penalties: versions the user did not ask for (live, cover, karaoke, remix, nightcore, sped up, #shorts
 *   …), unless the wanted title says so itself; live streams.
 */

export interface MatchTarget {
  readonly title: string;
  readonly artists: readonly string[];
  readonly durationMs: number | null;
}

export interface MatchCandidate {
  readonly title: string;
  /** Uploader / channel / credited artist. */
  readonly artist?: string;
  readonly durationMs: number | null;
  readonly isLive?: boolean;
}

export interface MatchScore {
  readonly total: number;
  readonly title: number;
  readonly artist: number;
  readonly duration: number;
  readonly penalty: number;
}

/** Below this, no candidate is considered the same song. */
export const MATCH_THRESHOLD = 0.55;

const NOISE = new Set([
  'official',
  'video',
  'music',
  'audio',
  'lyrics',
  'lyric',
  'hd',
  'hq',
  '4k',
  'remastered',
  'remaster',
  'version',
  'visualizer',
  'visualiser',
  'mv',
  'explicit',
  'clean',
  'original',
  'mix',
  'edit',
  'radio',
  'the',
  'a',
  'an',
  'and',
  'of',
  'feat',
  'ft',
  'featuring',
  'with',
  'x',
  'vs',
  'topic',
  'vevo',
  'from',
  'in',
  'on',
]);
const UNWANTED = [
  'live',
  'cover',
  'karaoke',
  'instrumental',
  'remix',
  'nightcore',
  '8d',
  'slowed',
  'reverb',
  'sped',
  'acoustic',
  'reaction',
  'shorts',
  'loop',
  'hours',
  'hour',
  'tutorial',
  'lesson',
  'bass boosted',
  'boosted',
  'mashup',
  'parody',
];

/** Lower-case words without accents, punctuation or years. */
export function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’`]/g, '')
    .split(/[^\p{L}\p{N}#]+/u)
    .map((w) => w.replace(/^#/, ''))
    .filter((w) => w !== '' && !/^(?:19|20)\d\d$/.test(w));
}

const meaningful = (text: string): string[] => words(text).filter((w) => !NOISE.has(w));
const squash = (text: string): string => words(text).join('');

/** Channel names carry decorations: "Rick Astley - Topic", "LuisFonsiVEVO", "Queen Official". */
const channelKey = (channel: string): string =>
  squash(channel.replace(/\s+-\s+Topic$/i, '')).replace(/(?:vevo|official|music|tv)$/g, '');

function titleScore(target: MatchTarget, candidate: MatchCandidate): number {
  const wanted = new Set(meaningful(target.title));
  if (wanted.size === 0) return 0;
  const got = meaningful(candidate.title);
  const present = new Set(got);
  const covered = [...wanted].filter((w) => present.has(w)).length / wanted.size;
  const explained = new Set([...wanted, ...target.artists.flatMap(meaningful)]);
  const extra = got.length === 0 ? 0 : got.filter((w) => !explained.has(w)).length / got.length;
  return covered * (1 - 0.5 * extra);
}

function artistScore(target: MatchTarget, candidate: MatchCandidate): number {
  const channel = candidate.artist ? channelKey(candidate.artist) : '';
  const inTitle = new Set(words(candidate.title));
  let best = 0;
  for (const artist of target.artists) {
    const key = squash(artist);
    if (key === '') continue;
    if (channel !== '' && (channel === key || channel.includes(key) || (key.includes(channel) && channel.length >= 4)))
      return 1;
    const artistWords = words(artist);
    if (artistWords.length > 0 && artistWords.every((w) => inTitle.has(w))) best = Math.max(best, 0.8);
  }
  return best;
}

function durationScore(target: MatchTarget, candidate: MatchCandidate): number {
  if (candidate.isLive) return 0;
  if (target.durationMs === null || candidate.durationMs === null) return 0.5;
  const seconds = Math.abs(target.durationMs - candidate.durationMs) / 1000;
  return Math.max(0, 1 - seconds / 30);
}

function penalty(target: MatchTarget, candidate: MatchCandidate): number {
  const wanted = ` ${words(target.title).join(' ')} `;
  const got = ` ${words(candidate.title).join(' ')} `;
  const unwanted = UNWANTED.filter((w) => got.includes(` ${w} `) && !wanted.includes(` ${w} `)).length;
  return Math.min(1, 0.3 * unwanted + (candidate.isLive ? 0.5 : 0));
}

export function scoreCandidate(target: MatchTarget, candidate: MatchCandidate): MatchScore {
  const title = titleScore(target, candidate);
  const artist = artistScore(target, candidate);
  const duration = durationScore(target, candidate);
  const pen = penalty(target, candidate);
  const total = Math.round((0.5 * title + 0.25 * artist + 0.25 * duration - pen) * 1000) / 1000;
  return { total, title, artist, duration, penalty: pen };
}

/** The best-scoring candidate at or above `threshold` (earlier wins ties: search order is relevance). */
export function bestMatch<C extends MatchCandidate>(
  target: MatchTarget,
  candidates: readonly C[],
  threshold = MATCH_THRESHOLD,
): C | null {
  let best: { candidate: C; total: number } | null = null;
  for (const candidate of candidates) {
    const { total } = scoreCandidate(target, candidate);
    if (total >= threshold && (!best || total > best.total)) best = { candidate, total };
  }
  return best?.candidate ?? null;
}

/** The search text for a target: "Artist - Title" with the noise that hurts search results removed. */
export function searchTextFor(target: MatchTarget): string {
  const title = target.title
    .replace(/\s+-\s+(?:\d{4}\s+)?remaster(?:ed)?(?:\s+\d{4})?.*$/i, '')
    .replace(/\s*[([](?:feat|ft)\.?[^)\]]*[)\]]/i, '');
  const artist = target.artists[0];
  return (artist ? `${artist} - ${title}` : title).trim();
}
