import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';

/**
 * Translations of command descriptions. English is the source: the descriptions written in each command's
 * builder. A locale is one file exporting a `LocaleTexts` (see ./index.ts for the list): for each command,
 * its description and its options' (and subcommands') descriptions by name. Anything missing stays English.
 */
export interface LocaleTexts {
  /** A Discord locale code: `de`, `fr`, `pt-BR`, `es-ES`, … */
  readonly locale: string;
  readonly commands: Readonly<
    Record<string, { readonly description?: string; readonly options?: Readonly<Record<string, string>> }>
  >;
}

type Json = RESTPostAPIChatInputApplicationCommandsJSONBody;
type Option = NonNullable<Json['options']>[number] & {
  options?: Option[];
  description_localizations?: Record<string, string> | null;
};

/** Discord's limit on descriptions. */
const MAX = 100;

/** The command definition with `description_localizations` filled in from every locale that translates it. */
export function localize(data: Json, locales: readonly LocaleTexts[]): Json {
  const texts = locales.flatMap((l) => {
    const mine = l.commands[data.name];
    return mine ? [{ locale: l.locale, texts: mine }] : [];
  });
  if (texts.length === 0) return data;
  const own = Object.fromEntries(
    texts.flatMap(({ locale, texts: t }) => (t.description ? [[locale, t.description.slice(0, MAX)]] : [])),
  );
  const options = (data.options as Option[] | undefined)?.map((option) => localizeOption(option, texts));
  return {
    ...data,
    ...(Object.keys(own).length > 0 ? { description_localizations: own } : {}),
    ...(options ? { options: options as Json['options'] } : {}),
  };
}

function localizeOption(
  option: Option,
  texts: ReadonlyArray<{ locale: string; texts: LocaleTexts['commands'][string] }>,
): Option {
  const own = Object.fromEntries(
    texts.flatMap(({ locale, texts: t }) => {
      const text = t.options?.[option.name];
      return text ? [[locale, text.slice(0, MAX)]] : [];
    }),
  );
  const nested = option.options?.map((o) => localizeOption(o, texts));
  return {
    ...option,
    ...(Object.keys(own).length > 0 ? { description_localizations: own } : {}),
    ...(nested ? { options: nested } : {}),
  } as Option;
}
