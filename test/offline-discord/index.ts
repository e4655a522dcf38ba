/**
 * # offline-discord: a fake Discord (REST + gateway + voice) for end-to-end tests
 *
 * Everything listens on 127.0.0.1 on random ports; nothing reaches the internet. Proven against unmodified
 * discord.js 14.28 and @discordjs/voice 0.19 by the `*.test.ts` files beside this one.
 *
 * ```ts
 * const discord = await startOfflineDiscord();           // one guild: #general, Music, Lounge, alice/bob/carol
 * const media = await startMediaServer();
 * const bot = startBot(discord, { mediaHost: media.host }); // node dist/main.js with the fake's env
 * await bot.waitUntilReady();                              // READY + GUILD_CREATEs sent, commands PUT received
 * const g = discord.guild.id, alice = discord.world.userByName('alice')!.id;
 * discord.setUserVoiceChannel(g, alice, discord.world.voiceChannel(g, 'Music').id);
 * const url = await media.tone({ hz: 440, seconds: 5, format: 'ogg' });
 * const cmd = discord.sendCommand({ guildId: g, userId: alice, name: 'play', options: { query: url } });
 * expect((await cmd.firstRequest()).route).toBe('/interactions/{interaction_id}/{interaction_token}/callback');
 * expect((await cmd.deferral()).type).toBe(5);
 * await cmd.reply((m) => m.content.includes('Now playing'));
 * await discord.voice.waitForFrequency(g, 440, { toleranceHz: 3, since: cmd.dispatchedAt });
 * discord.assertNoViolations();                            // every body matched Discord's OpenAPI spec
 * await discord.close(); await media.close();              // kills the bot, frees every port
 * ```
 *
 * ## API
 * - `startOfflineDiscord({ guilds?, shards?, voiceModes?, heartbeatIntervalMs?, voiceHeartbeatIntervalMs?, daveProtocol?, requireDave? })`
 *   → {@link OfflineDiscord}: `token`, `apiUrl`, `certPath`, `guild` (the first), `close()`, `onClose(fn)`;
 *   - interactions: `sendCommand({guildId, userId, channelId?, name, options?, subcommand?, attachments?})`,
 *     `sendAutocomplete({..., focused})`, `pressButton({guildId, userId, messageId, customId, componentType?, values?})`
 *     → {@link InteractionHandle}: `dispatchedAt`, `deferral()`/`callback()`, `reply(pred?, ms?)`, `messages`,
 *     `requests`, `firstRequest()`, `choices()`, `record`;
 *   - messages: `channelMessages(channelId)`, `waitForChannelMessage(channelId, pred?, ms?)` (every create/edit is a
 *     {@link MessageSnapshot} with content, embeds, components, flags, allowedMentions, files);
 *   - world: `setUserVoiceChannel`, `deleteChannel`, `removeBotFromGuild`, `setChannelPermissionOverwrites`,
 *     `moveBot`, `addGuild`; `world` ({@link World}: `addUser`, `addGuild`, `addChannel`, `addRole`,
 *     `setMemberRoles`, `textChannel`, `voiceChannel`, `userByName`, `permissionsIn`, `bot`, `applicationId`);
 *   - `rest` ({@link RestServer}): `calls`, `violations`, `unexpected`, `callsTo`, `waitForCall`,
 *     `fail({route, method?, status, times?, retryAfter?, global?, delayMs?})`, `clearFaults`, `assertNoViolations`;
 *     `commands.list(guildId?)`; `voiceStatus`;
 *   - `gateway` ({@link GatewayServer}): `ops`, `opsOf(op)`, `dispatches`, `sessions`, `isReady`, `waitForReady`,
 *     `shardCount`, `closeGateway(code?, shard?)`, `sendReconnect(shard?)`, `sendInvalidSession(resumable, shard?)`,
 *     `heartbeatAcks`;
 *   - `voice` ({@link VoiceHub}): `packets`, `capture`, `waitForAudio`, `frequencyBetween`, `waitForFrequency`,
 *     `waitForSilence`, `gapStats`, `connections`, `activeConnection`, `rejectedJoins`, `modes`; faults
 *     `closeVoice(guildId, code)` (4006/4009/4014/4015/1006), `blackoutUdp(guildId, ms)`, `moveVoiceServer(guildId)`,
 *     `kick(guildId)`, `moveBot(guildId, channelId)`; DAVE: `dave.get(guildId)` ({@link DaveMediaSession}: `gateway`
 *     ({@link DaveGateway}: `tree`, `epoch`, `transitions`, `rejectedCommits`, `invalidReports`, `downgrade()`,
 *     `upgrade()`, `corruptNextCommitTo(userId)`), `listeners`, `heard`, `stats`, `secured(userId)`), `daveHistory`,
 *     `daveViolations()`, `waitForDaveGroup(guildId)`.
 * - `startBot(discord, { env?, entry?, nodeArgs?, dataDir?, mediaHost?, echo? })` → {@link BotProcess}: `logs`,
 *   `waitForLog(string | RegExp | pred)`, `waitUntilReady({timeoutMs?, commands?})`, `kill(signal?, graceMs?)`,
 *   `exited`, `tail()`, `dataDir`.
 * - `startMediaServer()` → {@link MediaServer}: `host`, `tone({hz, seconds, format})`, `truncated`, `stall`, `slow`,
 *   `endless({hz, format?, icy?, metaint?})`, `html`, `empty`, `random`, `redirect`, `status`, `hits`, `requests`.
 * - Audio (`audio.ts`): `decodeOpus`, `OpusStreamDecoder`, `dominantFrequency`, `rms`, `isSilent`, `toMono`,
 *   `packetGapStats`, `isSilenceFrame`.
 *
 * ## Invariants worth knowing
 * - Times (`at`, `arrivalMs`, `dispatchedAt`) are `performance.now()` in the test process, so they compare.
 * - Every REST body is validated against the vendored OpenAPI spec (relaxed only where the spec is stricter
 *   than Discord: see openapi-quirks.ts); unknown routes answer 404. Both count as violations, as do late
 *   (> 3 s) or double interaction acknowledgements and webhook calls before the acknowledgement.
 * - The fake behaves as Discord does where bots commonly go wrong: a voice join without Connect permission
 *   (or into a full channel) is silently ignored (`voice.rejectedJoins`); the first follow-up after a
 *   deferral replaces the "thinking…" message; 403 50013 when the bot may not post in a channel.
 * - Processes that join voice need `NODE_EXTRA_CA_CERTS=discord.certPath` at start (startBot sets it).
 * - DAVE v1 (Discord's voice E2EE) is on by default (`daveProtocol: 0` for transport-only; a client offering no
 *   DAVE is closed with 4017 unless `requireDave: false`). The voice server is the MLS external sender (its own
 *   P-256 key; RFC 9420 structures in mls-*.ts), and every user in the bot's channel is a listener with its own
 *   davey session. Recorded packets are what the listeners decrypted (`e2ee` says whether it was E2EE); a frame
 *   a listener cannot decrypt more than `daveGraceMs` (250) after its group transition executed is a violation.
 */
export { startOfflineDiscord, OfflineDiscord, makeBotToken } from './offline-discord.js';
export type { OfflineDiscordOptions } from './offline-discord.js';
export { startBot, BotProcess, REPO_ROOT } from './bot-process.js';
export type { ExitInfo, LogLine, StartBotOptions } from './bot-process.js';
export { startMediaServer, MediaServer, toneFile, toneInputArgs, TONE_CACHE_DIR } from './media-server.js';
export type { MediaRequest, ToneFormat, ToneSpec } from './media-server.js';
export { World } from './world.js';
export { OAuthState } from './oauth-routes.js';
export type { Dispatch, GuildSpec } from './world.js';
export type { VoiceChannelSpec, WorldChannel, WorldGuild } from './world-builders.js';
export { RestServer } from './rest-server.js';
export { DM_CLOSED } from './rest-routes.js';
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
export { DaveMediaSession } from './dave-media.js';
export type { DaveFrameStats, DaveFrameViolation } from './dave-media.js';
export { DaveGateway } from './dave-gateway.js';
export type { DaveTransitionRecord } from './dave-gateway.js';
export { DaveListener } from './dave-listener.js';
export type { VoiceConnectionInfo } from './voice-server.js';
export { VoiceRecorder } from './voice-capture.js';
export type { ReceivedPacket, VoiceCapture, WaitOptions } from './voice-capture.js';
export { decryptRtpSize, encryptRtpSize, parseRtpHeader } from './voice-crypto.js';
export type { RtpHeader, VoiceEncryptionMode } from './voice-crypto.js';
export {
  CHANNELS,
  SAMPLE_RATE,
  SILENCE_FRAME,
  SILENCE_RMS,
  OpusStreamDecoder,
  concatPcm,
  decodeOpus,
  dominantFrequency,
  goertzelPower,
  isSilenceFrame,
  isSilent,
  packetGapStats,
  rms,
  toMono,
} from './audio.js';
export type { FrequencyOptions, GapStats } from './audio.js';
export { testCertificate, CERT_DIR } from './tls-cert.js';
export type { TestCertificate } from './tls-cert.js';
export { ALL_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS, channelPermissions } from './permissions.js';
export { SnowflakeFactory, shardOf, snowflakeTime } from './snowflake.js';
export { ChangeFeed, delay } from './wait.js';
