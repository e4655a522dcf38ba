import { describe, expect, it } from 'vitest';
import { commands } from '../../../src/commands/index.js';

const byName = new Map(commands.map((c) => [c.data.name, c.data]));
const optionNames = (name: string) => (byName.get(name)?.options ?? []).map((o) => o.name);

describe('slash command definitions (a contract with users and the e2e tests)', () => {
  it('registers every command once', () => {
    expect([...byName.keys()].sort()).toEqual(
      [
        'clear',
        'filter',
        'leave',
        'loop',
        'move',
        'nowplaying',
        'pause',
        'play',
        'previous',
        'queue',
        'remove',
        'resume',
        'seek',
        'settings',
        'shuffle',
        'skip',
        'skipto',
        'stop',
        'volume',
        'status',
        'feedback',
        'playlist',
        'lyrics',
        'autoplay',
        'history',
        'grab',
        'help',
      ].sort(),
    );
    expect(byName.size).toBe(commands.length);
  });

  it.each([
    ['play', ['query', 'file', 'position']],
    ['skip', ['count']],
    ['skipto', ['position']],
    ['remove', ['position']],
    ['move', ['from', 'to']],
    ['loop', ['mode']],
    ['seek', ['position']],
    ['volume', ['percent']],
    ['queue', ['page']],
    ['feedback', ['rating', 'comment']],
    ['status', []],
    ['filter', ['preset']],
  ])('/%s takes %j', (name, options) => {
    expect(optionNames(name)).toEqual(options);
  });

  it('/settings has view and one subcommand per setting', () => {
    expect(optionNames('settings')).toEqual([
      'view',
      'dj-role',
      'announce-channel',
      'announce',
      'default-volume',
      'max-queue',
      'max-per-user',
      'duplicates',
      'stay-247',
      'vote-skip-share',
      'normalize',
      'autoplay',
      'crossfade',
    ]);
  });

  it('/settings crossfade takes an integer `seconds` from 0 to 12', () => {
    const settings = byName.get('settings')?.options?.find((o) => o.name === 'crossfade') as
      | { options?: Array<{ name: string; type: number; min_value?: number; max_value?: number; required?: boolean }> }
      | undefined;
    expect(settings?.options).toEqual([
      expect.objectContaining({ name: 'seconds', type: 4, min_value: 0, max_value: 12, required: true }),
    ]);
  });

  it('offers the documented choices', () => {
    const choices = (name: string, option: string) =>
      (
        byName.get(name)?.options?.find((o) => o.name === option) as { choices?: Array<{ value: string }> } | undefined
      )?.choices?.map((c) => c.value);
    expect(choices('play', 'position')).toEqual(['next', 'now']);
    expect(choices('loop', 'mode')).toEqual(['off', 'track', 'queue']);
    expect(choices('filter', 'preset')).toEqual([
      'off',
      'bassboost',
      'nightcore',
      'vaporwave',
      'karaoke',
      '8d',
      'soft',
      'treble',
      'lowpass',
    ]);
  });
});
