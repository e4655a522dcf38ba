/**
 * A minimal discord.js + @discordjs/voice bot used by the self-tests to prove the fake against the real
 * libraries (run by Node's type stripping in a child process, so NODE_EXTRA_CA_CERTS applies).
 * It prints one JSON event per line on stdout. Not part of the product.
 */
import { get } from 'node:http';
import type { IncomingMessage } from 'node:http';
import {
  AudioPlayerStatus,
  createAudioPlayer,
  createAudioResource,
  entersState,
  joinVoiceChannel,
  StreamType,
  VoiceConnectionStatus,
} from '@discordjs/voice';
import type { VoiceConnection } from '@discordjs/voice';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  Events,
  GatewayIntentBits,
  SlashCommandBuilder,
} from 'discord.js';
import type { ChatInputCommandInteraction, GuildMember } from 'discord.js';

const emit = (event: string, data: Record<string, unknown> = {}): void => {
  process.stdout.write(`${JSON.stringify({ event, ...data })}\n`);
};

const client = new Client({
  intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
  rest: { api: process.env.DISCORD_API_URL! },
});
const player = createAudioPlayer();
let connection: VoiceConnection | undefined;

player.on('stateChange', (_old, state) => emit('player', { status: state.status }));
player.on('error', (error) => emit('error', { where: 'player', message: error.message }));

const commands = [
  new SlashCommandBuilder()
    .setName('play')
    .setDescription('Play a URL')
    .addStringOption((o) => o.setName('url').setDescription('Audio URL').setRequired(true))
    .addStringOption((o) => o.setName('input').setDescription('ogg or arbitrary').setRequired(true)),
  new SlashCommandBuilder()
    .setName('search')
    .setDescription('Autocomplete demo')
    .addStringOption((o) => o.setName('query').setDescription('Query').setAutocomplete(true)),
  new SlashCommandBuilder().setName('panel').setDescription('Post a control panel'),
  new SlashCommandBuilder().setName('leave').setDescription('Leave voice'),
];

client.once(Events.ClientReady, async (ready) => {
  emit('ready', { user: ready.user.id, guilds: ready.guilds.cache.size });
  await ready.application.commands.set(commands.map((c) => c.toJSON()));
  emit('registered');
});
client.on(Events.ShardResume, (shard, replayed) => emit('resumed', { shard, replayed }));
client.on(Events.GuildDelete, (guild) => emit('guild-delete', { guild: guild.id }));
client.on(Events.Error, (error) => emit('error', { where: 'client', message: error.message }));

client.on(Events.InteractionCreate, async (interaction) => {
  try {
    if (interaction.isAutocomplete()) {
      const query = interaction.options.getFocused();
      await interaction.respond([{ name: `result for ${query}`, value: `value:${query}` }]);
    } else if (interaction.isButton()) {
      await interaction.deferUpdate();
      player.pause();
      await interaction.editReply({ content: 'Paused', components: [] });
    } else if (interaction.isChatInputCommand()) {
      await onCommand(interaction);
    }
  } catch (error) {
    emit('error', { where: 'interaction', message: (error as Error).message });
  }
});

async function onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
  if (interaction.commandName === 'panel') {
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId('pause').setLabel('Pause').setStyle(ButtonStyle.Secondary),
    );
    await interaction.deferReply();
    const channel = interaction.channel;
    if (channel?.isSendable())
      await channel.send({ content: 'Controls', components: [row], allowedMentions: { parse: [] } });
    await interaction.editReply('Panel posted');
    return;
  }
  if (interaction.commandName === 'leave') {
    connection?.destroy();
    connection = undefined;
    await interaction.reply({ content: 'Left', allowedMentions: { parse: [] } });
    return;
  }
  await interaction.deferReply();
  const member = interaction.member as GuildMember;
  const channel = member.voice.channel;
  if (!channel) {
    await interaction.editReply('Join a voice channel first');
    return;
  }
  connection = joinVoiceChannel({
    channelId: channel.id,
    guildId: channel.guild.id,
    adapterCreator: channel.guild.voiceAdapterCreator,
  });
  watch(connection);
  await entersState(connection, VoiceConnectionStatus.Ready, 10_000);
  connection.subscribe(player);
  const url = interaction.options.getString('url', true);
  const input = interaction.options.getString('input', true);
  const stream = await fetchStream(url);
  player.play(createAudioResource(stream, { inputType: input === 'ogg' ? StreamType.OggOpus : StreamType.Arbitrary }));
  await entersState(player, AudioPlayerStatus.Playing, 10_000);
  await interaction.editReply({ content: `Playing ${input}`, allowedMentions: { parse: [] } });
  player.once(AudioPlayerStatus.Idle, () => {
    void interaction.followUp({ content: 'Finished', allowedMentions: { parse: [] } }).catch(() => undefined);
  });
}

function watch(vc: VoiceConnection): void {
  vc.on('stateChange', (_old, state) => {
    const closeCode =
      state.status === VoiceConnectionStatus.Disconnected && 'closeCode' in state ? state.closeCode : undefined;
    emit('voice', { status: state.status, closeCode });
  });
  vc.on(VoiceConnectionStatus.Disconnected, async () => {
    try {
      await Promise.race([
        entersState(vc, VoiceConnectionStatus.Signalling, 3_000),
        entersState(vc, VoiceConnectionStatus.Connecting, 3_000),
      ]);
    } catch {
      vc.destroy();
    }
  });
  vc.on('error', (error) => emit('error', { where: 'voice', message: error.message }));
}

function fetchStream(url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    get(url, (res) => (res.statusCode === 200 ? resolve(res) : reject(new Error(`HTTP ${res.statusCode}`)))).on(
      'error',
      reject,
    );
  });
}

process.on('SIGTERM', () => {
  connection?.destroy();
  void client.destroy().finally(() => process.exit(0));
});

await client.login(process.env.DISCORD_TOKEN);
