import { MessageFlags, MessageType } from 'discord-api-types/v10';
import type { APIAttachment, APIEmbed, APIMessage, APIUser } from 'discord-api-types/v10';
import type { SnowflakeFactory } from './snowflake.js';
import { ChangeFeed } from './wait.js';

/** How a message version came to be. */
export type MessageSource =
  | 'channel-create'
  | 'channel-edit'
  | 'interaction-callback'
  | 'interaction-deferred'
  | 'original-edit'
  | 'followup'
  | 'followup-edit'
  | 'component-update';

/** A file uploaded with a multipart request. */
export interface UploadedFile {
  field: string;
  filename: string;
  size: number;
  contentType: string;
  /** The uploaded bytes (so a test can read an exported file). */
  content?: Buffer;
}

/** The shape of a message-create/edit body the bot sends (loosely typed: the spec validator is strict). */
export interface MessageBody {
  content?: string | null;
  embeds?: APIEmbed[] | null;
  components?: unknown[] | null;
  flags?: number | null;
  allowed_mentions?: unknown;
  attachments?: Array<{ id: string | number; filename?: string; description?: string }> | null;
  message_reference?: unknown;
  tts?: boolean;
}

/**
 * One version of a message as the bot sent it: every create and every edit is a snapshot, so a test can
 * wait for "a message saying X was shown" even if it was edited again before the test looked.
 */
export interface MessageSnapshot {
  messageId: string;
  channelId: string;
  source: MessageSource;
  /** 0 for the create, then 1, 2, … per edit. */
  version: number;
  /** performance.now() in the test process when the request arrived. */
  at: number;
  content: string;
  embeds: APIEmbed[];
  components: unknown[];
  flags: number;
  ephemeral: boolean;
  /** As sent (`undefined` when the request did not set it): assert mention safety with it. */
  allowedMentions: unknown;
  files: UploadedFile[];
  interactionId?: string;
  /** The raw request body (for multipart: the parsed payload_json). */
  body: unknown;
}

/** Options for recording a message create or edit. */
export interface MessageWrite {
  source: MessageSource;
  at: number;
  files?: UploadedFile[];
  interactionId?: string;
  webhookId?: string;
}

/** Current messages plus the history of every version, with a change feed for waiters. */
export class MessageStore {
  readonly feed = new ChangeFeed();
  readonly snapshots: MessageSnapshot[] = [];
  private readonly messages = new Map<string, APIMessage>();

  constructor(
    private readonly ids: SnowflakeFactory,
    private readonly author: APIUser,
    private readonly applicationId: string,
  ) {}

  get(messageId: string): APIMessage | undefined {
    return this.messages.get(messageId);
  }

  /** Current state of the channel's messages, oldest first (deleted ones excluded). */
  inChannel(channelId: string): APIMessage[] {
    return [...this.messages.values()].filter((m) => m.channel_id === channelId);
  }

  create(channelId: string, body: MessageBody, write: MessageWrite): APIMessage {
    const id = this.ids.next();
    const message: APIMessage = {
      id,
      channel_id: channelId,
      author: this.author,
      content: '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: body.tts ?? false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      type: write.interactionId ? MessageType.ChatInputCommand : MessageType.Default,
      flags: 0 as MessageFlags,
      components: [],
      application_id: this.applicationId,
      ...(write.webhookId ? { webhook_id: write.webhookId } : {}),
    };
    applyBody(message, body, write.files ?? [], this.ids);
    if (write.source === 'interaction-deferred')
      message.flags = (Number(message.flags) | MessageFlags.Loading) as MessageFlags;
    this.messages.set(id, message);
    this.record(message, body, write, 0);
    return message;
  }

  /** Whether the message is a deferred "thinking…" placeholder that has not been edited yet. */
  isLoading(messageId: string): boolean {
    return (Number(this.messages.get(messageId)?.flags ?? 0) & MessageFlags.Loading) !== 0;
  }

  edit(messageId: string, body: MessageBody, write: MessageWrite): APIMessage | undefined {
    const message = this.messages.get(messageId);
    if (!message) return undefined;
    applyBody(message, body, write.files ?? [], this.ids);
    message.edited_timestamp = new Date().toISOString();
    const version = this.snapshots.filter((s) => s.messageId === messageId).length;
    this.record(message, body, write, version);
    return message;
  }

  delete(messageId: string): boolean {
    const deleted = this.messages.delete(messageId);
    this.feed.notify();
    return deleted;
  }

  private record(message: APIMessage, body: MessageBody, write: MessageWrite, version: number): void {
    const flags = Number(message.flags ?? 0);
    this.snapshots.push({
      messageId: message.id,
      channelId: message.channel_id,
      source: write.source,
      version,
      at: write.at,
      content: message.content,
      embeds: structuredClone(message.embeds),
      components: structuredClone(message.components ?? []),
      flags,
      ephemeral: (flags & MessageFlags.Ephemeral) !== 0,
      allowedMentions: body.allowed_mentions,
      files: write.files ?? [],
      ...(write.interactionId ? { interactionId: write.interactionId } : {}),
      body: structuredClone(body),
    });
    this.feed.notify();
  }
}

function applyBody(message: APIMessage, body: MessageBody, files: UploadedFile[], ids: SnowflakeFactory): void {
  if (body.content !== undefined) message.content = body.content ?? '';
  if (body.embeds !== undefined) message.embeds = (body.embeds ?? []).map((e) => ({ type: 'rich', ...e }) as APIEmbed);
  if (body.components !== undefined) message.components = (body.components ?? []) as APIMessage['components'];
  if (body.flags !== undefined && body.flags !== null) {
    const keep = Number(message.flags ?? 0) & MessageFlags.Ephemeral;
    message.flags = ((body.flags & ~MessageFlags.Loading) | keep) as MessageFlags;
  } else {
    message.flags = (Number(message.flags ?? 0) & ~MessageFlags.Loading) as MessageFlags;
  }
  if (body.attachments !== undefined || files.length > 0) message.attachments = attachmentsFrom(body, files, ids);
}

function attachmentsFrom(body: MessageBody, files: UploadedFile[], ids: SnowflakeFactory): APIAttachment[] {
  return files.map((file, index) => {
    const meta = body.attachments?.find((a) => String(a.id) === String(index));
    const id = ids.next();
    return {
      id,
      filename: meta?.filename ?? file.filename,
      size: file.size,
      url: `https://cdn.offline.invalid/attachments/${id}/${file.filename}`,
      proxy_url: `https://media.offline.invalid/attachments/${id}/${file.filename}`,
      content_type: file.contentType,
    };
  });
}
