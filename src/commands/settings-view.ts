import type { GuildSettings } from '../settings/guild-settings.js';

/**
 * The `/settings view` text. Role and channel mentions render as names in Discord; they never ping, because
 * every message goes out with `allowed_mentions: { parse: [] }`.
 */
export function renderSettings(settings: GuildSettings): string {
  const yesNo = (on: boolean) => (on ? 'on' : 'off');
  return [
    '⚙️ **Settings**',
    `DJ role: ${settings.djRoleId ? `<@&${settings.djRoleId}>` : 'none (every listener may use every control)'}`,
    `Announce channel: ${settings.announceChannelId ? `<#${settings.announceChannelId}>` : 'where the queue was started'}`,
    `Now-playing messages: ${yesNo(settings.announceNowPlaying)}`,
    `Default volume: ${settings.defaultVolume}%`,
    `Max queue length: ${settings.maxQueueLength}`,
    `Max tracks per member: ${settings.maxTracksPerUser ?? 'no limit'}`,
    `Duplicates: ${settings.allowDuplicates ? 'allowed' : 'not allowed'}`,
    `Stay 24/7: ${yesNo(settings.stay247)}`,
    `Vote-skip share: ${Math.round(settings.voteSkipShare * 100)}%`,
    `Loudness normalization: ${yesNo(settings.normalize)}`,
    `Autoplay by default: ${yesNo(settings.autoplay)}`,
    `Crossfade: ${settings.crossfadeSeconds > 0 ? `${settings.crossfadeSeconds} s` : 'off (gapless)'}`,
  ].join('\n');
}
