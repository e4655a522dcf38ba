import { ApplicationFlags, REST, Routes, type APIApplication, type APIUser } from 'discord.js';
import { errorText } from './doctor-runtime.js';
import { INVITE_PERMISSION_LIST, inviteUrl } from './invite.js';
import type { CheckResult, DiscordIdentity, DiscordProbe, DoctorContext } from './doctor-types.js';

export type { DiscordIdentity, DiscordProbe };

const TIMEOUT_MS = 5000;

/** Privileged intents and their "limited" variants (unverified bots); the bot needs none of them. */
const PRIVILEGED = [
  ['Presence', ApplicationFlags.GatewayPresence | ApplicationFlags.GatewayPresenceLimited],
  ['Server Members', ApplicationFlags.GatewayGuildMembers | ApplicationFlags.GatewayGuildMembersLimited],
  ['Message Content', ApplicationFlags.GatewayMessageContent | ApplicationFlags.GatewayMessageContentLimited],
] as const;

/** The real probe: discord.js REST against DISCORD_API_URL, one attempt, 5 s each. */
export const restDiscordProbe: DiscordProbe = async (apiUrl, token, timeoutMs) => {
  const rest = new REST({
    api: apiUrl,
    timeout: timeoutMs,
    retries: 0,
    handlerSweepInterval: 0,
    hashSweepInterval: 0,
  }).setToken(token);
  const user = (await rest.get(Routes.user())) as APIUser;
  const application = (await rest.get(Routes.currentApplication())) as APIApplication;
  return { user, application };
};

/**
 * Logs in over REST (no gateway) when a well-formed token is configured and `online` is not false: token
 * accepted, privileged intents (none needed: the bot uses only Guilds + GuildVoiceStates), invite settings.
 */
export async function discordChecks(context: DoctorContext): Promise<CheckResult[]> {
  const token = context.env.DISCORD_TOKEN?.trim().replace(/^Bot\s+/i, '') ?? '';
  if (context.online === false || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) return [];
  const apiUrl = (context.env.DISCORD_API_URL?.trim() || 'https://discord.com/api').replace(/\/+$/, '');
  try {
    const identity = await context.discord(apiUrl, token, TIMEOUT_MS);
    return [loginResult(identity), intentsResult(identity), inviteResult(identity)];
  } catch (error) {
    return [failedLogin(error, apiUrl)];
  }
}

function loginResult({ user, application }: DiscordIdentity): CheckResult {
  return {
    id: 'discord-login',
    title: 'Discord login',
    status: 'ok',
    message: `logged in as ${user.username} (${user.id}), application "${application.name}"`,
  };
}

function failedLogin(error: unknown, apiUrl: string): CheckResult {
  const base = { id: 'discord-login', title: 'Discord login', status: 'fail' as const };
  const status = (error as { status?: unknown }).status;
  if (status === 401) {
    return {
      ...base,
      message: 'Discord rejected DISCORD_TOKEN (401)',
      fix: 'Reset the token (Developer Portal → your app → Bot → Reset Token) and update .env.',
    };
  }
  if (status === 404) {
    return {
      ...base,
      message: `${apiUrl} answered 404: not a Discord API base`,
      fix: 'DISCORD_API_URL must be the REST base including /api (default https://discord.com/api); unset it unless you are testing.',
    };
  }
  const what = typeof status === 'number' ? `HTTP ${status}` : errorText(error);
  return {
    ...base,
    message: `could not ask Discord at ${apiUrl}: ${what}`,
    fix: 'Check the network (DNS, firewall, proxy) and DISCORD_API_URL; run again with --offline to skip this check.',
  };
}

function intentsResult({ application }: DiscordIdentity): CheckResult {
  const flags = application.flags ?? 0;
  const enabled = PRIVILEGED.filter(([, bits]) => (flags & bits) !== 0).map(([name]) => name);
  const note = enabled.length > 0 ? `; enabled but unused: ${enabled.join(', ')} (you may turn them off)` : '';
  return {
    id: 'discord-intents',
    title: 'Gateway intents',
    status: 'ok',
    message: `none privileged needed (Guilds + Guild Voice States only)${note}`,
  };
}

function inviteResult({ application }: DiscordIdentity): CheckResult {
  const base = { id: 'discord-invite', title: 'Invite' };
  const url = inviteUrl(application.id);
  const needs = INVITE_PERMISSION_LIST.map(([name]) => name).join(', ');
  if (application.bot_require_code_grant) {
    return {
      ...base,
      status: 'warn',
      message: 'the bot requires an OAuth2 code grant, so a plain invite link fails',
      fix: `Developer Portal → Bot → turn off "Requires OAuth2 Code Grant", then invite with ${url}`,
    };
  }
  const granted = BigInt(application.install_params?.permissions ?? '0');
  const missing = INVITE_PERMISSION_LIST.filter(([, bit]) => (granted & bit) !== bit).map(([name]) => name);
  const who = application.bot_public ? '' : ' (private bot: only you can add it)';
  if (application.install_params && missing.length > 0) {
    return {
      ...base,
      status: 'warn',
      message: `the default install link lacks ${missing.join(', ')}${who}`,
      fix: `Developer Portal → Installation → add them, or invite with ${url}`,
    };
  }
  return { ...base, status: 'ok', message: `needs ${needs}${who}: ${url}` };
}
