/**
 * # offline-discord: a fake Discord (REST + gateway + voice) for end-to-end tests
 *
 * Everything listens on 127.0.0.1 on random ports; nothing reaches the internet.
 *
 * ```ts
 * const discord = await startOfflineDiscord();           // one guild: #general, 🔊Music, 🔊Lounge, alice/bob/carol
 * const media = await startMediaServer();
 * const bot = startBot(discord, { mediaHost: media.host }); // node dist/main.js with the fake's env
 * await bot.waitUntilReady();                              // READY + GUILD_CREATEs sent, commands PUT received
 * const g = discord.guild, alice = discord.world.userByName('alice')!;
 * discord.setUserVoiceChannel(g.id, alice.id, discord.world.voiceChannel(g.id, 'Music').id);
 * const cmd = discord.sendCommand({ guildId: g.id, userId: alice.id, name: 'play', options: { query: await media.tone({ hz: 440, seconds: 5, format: 'ogg' }) } });
 * expect((await cmd.deferral()).type).toBe(5);
 * expect((await cmd.firstRequest()).route).toBe('/interactions/{interaction_id}/{interaction_token}/callback');
 * await cmd.reply((m) => m.content.includes('Now playing'));
 * await discord.voice.waitForFrequency(g.id, 440, { toleranceHz: 5 });
 * discord.assertNoViolations();                            // every body matched Discord's OpenAPI spec
 * await discord.close(); await media.close();              // kills the bot, frees every port
 * ```
 *
 * ## Main objects
 * - `startOfflineDiscord(options)` → {@link OfflineDiscord}: `world` (guilds, channels, roles, members, voice
 *   states), `rest` ({@link RestServer}: `calls`, `violations`, `fail()` faults, `waitForCall`), `gateway`
 *   ({@link GatewayServer}: `ops`, `isReady`, `closeGateway`, `sendReconnect`, `sendInvalidSession`,
 *   `heartbeatAcks`), `voice` ({@link VoiceHub}: packets, capture, frequency/silence waits, `closeVoice`,
 *   `blackoutUdp`, `moveVoiceServer`, `kick`, `moveBot`, `connections`), and interaction helpers
 *   (`sendCommand`, `sendAutocomplete`, `pressButton` → {@link InteractionHandle}).
 * - `startBot(discord, options)` → {@link BotProcess}: logs, `waitForLog`, `waitUntilReady`, `kill`, `exited`.
 * - `startMediaServer()` → {@link MediaServer}: `tone()`, `html()`, `empty()`, `random()`, `truncated()`,
 *   `redirect()`, `stall()`, `slow()`, `endless()`, `status()`, `hits()`.
 * - Audio analysis (`audio.ts`): `decodeOpus`, `dominantFrequency`, `rms`, `isSilent`, `packetGapStats`.
 *
 * ## Invariants worth knowing
 * - Times (`at`, `arrivalMs`, `dispatchedAt`) are `performance.now()` in the test process, so they compare.
 * - Every REST body is validated against the vendored OpenAPI spec; unknown routes answer 404 and count as
 *   violations, as do late (> 3 s) or double interaction acknowledgements.
 * - The fake behaves as Discord does where bots commonly go wrong: a voice join without Connect permission
 *   (or into a full channel) is silently ignored (`voice.rejectedJoins`); the first follow-up after a
 *   deferral replaces the "thinking…" message; 403 50013 when the bot may not post in a channel.
 */
export { startOfflineDiscord, OfflineDiscord, makeBotToken } from './offline-discord.js';
export type { OfflineDiscordOptions } from './offline-discord.js';
export { startBot, BotProcess, REPO_ROOT } from './bot-process.js';
export type { ExitInfo, LogLine, StartBotOptions } from './bot-process.js';
export { startMediaServer, MediaServer, toneFile, TONE_CACHE_DIR } from './media-server.js';
export type { MediaRequest, ToneFormat, ToneSpec } from './media-server.js';
export { World } from './world.js';
export type { Dispatch, GuildSpec } from './world.js';
export type { VoiceChannelSpec, WorldChannel, WorldGuild } from './world-builders.js';
export { RestServer } from './rest-server.js';
export { apiError } from './rest-types.js';
export type { RestCall, RestFault, RouteContext, RouteHandler, RouteResult, Violation } from './rest-types.js';
export { OpenApiValidator, sharedOpenApiValidator, OPENAPI_SPEC_PATH } from './openapi-validator.js';
export type { BodyValidation } from './openapi-validator.js';
export { GatewayServer } from './gateway-server.js';
export type { GatewayDispatchRecord, GatewayOpRecord, GatewaySession } from './gateway-server.js';
export { InteractionHandle, InteractionRegistry, Interactions } from './interactions.js';
export type { CallbackRecord, InteractionRecord } from './interactions.js';
export type { AttachmentSpec, CommandSpec, ComponentSpec, OptionShorthand } from './interaction-payloads.js';
export { INTERACTION_ACK_DEADLINE_MS, INTERACTION_TOKEN_TTL_MS } from './rest-interaction-routes.js';
export { MessageStore } from './message-store.js';
export type { MessageSnapshot, MessageSource, UploadedFile } from './message-store.js';
export { CommandStore } from './command-store.js';
export { VoiceHub, DEFAULT_VOICE_MODES } from './voice-hub.js';
export type { RejectedJoin } from './voice-hub.js';
export { VoiceServer } from './voice-server.js';
export type { VoiceConnectionInfo } from './voice-server.js';
export { VoiceRecorder } from './voice-capture.js';
export type { ReceivedPacket, VoiceCapture, WaitOptions } from './voice-capture.js';
export { decryptRtpSize, encryptRtpSize, parseRtpHeader } from './voice-crypto.js';
export type { RtpHeader, VoiceEncryptionMode } from './voice-crypto.js';
export {
  CHANNELS, SAMPLE_RATE, SILENCE_FRAME, SILENCE_RMS, OpusStreamDecoder, concatPcm, decodeOpus, dominantFrequency,
  goertzelPower, isSilenceFrame, isSilent, packetGapStats, rms, toMono,
} from './audio.js';
export type { FrequencyOptions, GapStats } from './audio.js';
export { testCertificate, CERT_DIR } from './tls-cert.js';
export type { TestCertificate } from './tls-cert.js';
export { ALL_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS, channelPermissions } from './permissions.js';
export { SnowflakeFactory, shardOf, snowflakeTime } from './snowflake.js';
export { ChangeFeed, delay } from './wait.js';
