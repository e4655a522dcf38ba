import type { LocaleTexts } from './localize.js';

/**
 * Every translation of the command descriptions, one file per locale (e.g. `./de.ts` exporting a
 * `LocaleTexts` with `locale: 'de'`), listed here. English needs no file: it is what the builders say.
 */
export const LOCALES: readonly LocaleTexts[] = [];
