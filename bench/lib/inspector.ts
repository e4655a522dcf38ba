import WebSocket from 'ws';

/**
 * A minimal Chrome DevTools Protocol client for the bot's inspector (the bench starts it with
 * `--inspect=127.0.0.1:0`): enough to force a full garbage collection before a memory sample, so a heap
 * trend is what stays reachable, not where the collector happened to be.
 */
export class Inspector {
  private nextId = 1;
  private readonly pending = new Map<number, () => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as { id?: number };
      if (message.id !== undefined) {
        this.pending.get(message.id)?.();
        this.pending.delete(message.id);
      }
    });
  }

  static async connect(url: string): Promise<Inspector> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new Inspector(socket);
  }

  call(method: string, params: Record<string, unknown> = {}): Promise<void> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  async collectGarbage(): Promise<void> {
    await this.call('HeapProfiler.collectGarbage');
  }

  close(): void {
    this.socket.close();
  }
}
