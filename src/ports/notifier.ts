/** Posts a message to a guild text channel (announcements, playback failures). Never throws. */
export interface Notifier {
  send(channelId: string, content: string): Promise<void>;
}
