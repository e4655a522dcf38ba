import { describe, expect, it } from 'vitest';
import { commands } from '../../../src/commands/index.js';
import { LOCALES } from '../../../src/commands/locales/index.js';
import { localize, type LocaleTexts } from '../../../src/commands/locales/localize.js';

const play = commands.find((c) => c.data.name === 'play')!.data;
const playlist = commands.find((c) => c.data.name === 'playlist')!.data;

describe('command description locales', () => {
  it('a locale file fills description_localizations of commands, options and subcommand options; the rest stays English', () => {
    const de: LocaleTexts = {
      locale: 'de',
      commands: {
        play: { description: 'Spielt einen Song oder Stream', options: { query: 'Ein Link oder Suchbegriffe' } },
        playlist: { options: { save: 'Speichert die Warteschlange', name: 'Ein Name' } },
      },
    };
    const localized = localize(play, [de]);
    expect(localized.description).toBe(play.description);
    expect(localized.description_localizations).toEqual({ de: 'Spielt einen Song oder Stream' });
    const options = localized.options as Array<{ name: string; description_localizations?: Record<string, string> }>;
    expect(options.find((o) => o.name === 'query')?.description_localizations).toEqual({
      de: 'Ein Link oder Suchbegriffe',
    });
    expect(options.find((o) => o.name === 'file')?.description_localizations).toBeUndefined();
    const save = (
      localize(playlist, [de]).options as Array<{
        name: string;
        options?: Array<{ name: string; description_localizations?: unknown }>;
        description_localizations?: unknown;
      }>
    ).find((o) => o.name === 'save')!;
    expect(save.description_localizations).toEqual({ de: 'Speichert die Warteschlange' });
    expect(save.options?.find((o) => o.name === 'name')?.description_localizations).toEqual({ de: 'Ein Name' });
  });

  it('every locale in the repo names only real commands and fits Discord’s 100-character limit', () => {
    const names = new Set(commands.map((c) => c.data.name));
    for (const locale of LOCALES) {
      for (const [command, texts] of Object.entries(locale.commands)) {
        expect(names.has(command), `${locale.locale}: /${command}`).toBe(true);
        for (const text of [texts.description, ...Object.values(texts.options ?? {})])
          if (text) expect(text.length).toBeLessThanOrEqual(100);
      }
    }
  });
});
