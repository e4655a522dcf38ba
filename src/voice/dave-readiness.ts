import type { VoiceConnection } from '@discordjs/voice';

/**
 * DAVE (Discord's audio E2EE) as @discordjs/voice 0.19 runs it, seen from outside: the networking state holds
 * the library's DAVESession wrapper and the set of other users the voice gateway announced (ops 11/13).
 * These are public fields of exported classes, read without changing them.
 */
interface DaveView {
  protocolVersion: number;
  session?: { ready: boolean; epoch?: bigint | null } | undefined;
}

interface NetworkingView {
  state: { dave?: DaveView | undefined; connectionData?: { connectedClients?: Set<string> } };
  on(event: 'close', listener: (code: number) => void): unknown;
}

function networkingOf(connection: VoiceConnection): NetworkingView | undefined {
  return (connection.state as { networking?: NetworkingView }).networking;
}

/** What the voice connection's audio protection is right now. */
export type E2eeStatus = 'e2ee' | 'pending' | 'transport-only';

export function e2eeStatus(connection: VoiceConnection): { status: E2eeStatus; protocol: number; others: number } {
  const state = networkingOf(connection)?.state;
  const dave = state?.dave;
  const others = state?.connectionData?.connectedClients?.size ?? 0;
  if (!dave || dave.protocolVersion === 0)
    return { status: 'transport-only', protocol: dave?.protocolVersion ?? 0, others };
  return { status: dave.session?.ready ? 'e2ee' : 'pending', protocol: dave.protocolVersion, others };
}

export type E2eeWait = 'e2ee' | 'transport-only' | 'alone' | 'timeout';

/**
 * After the connection is Ready, waits (bounded) until DAVE has a group, so the first audible frame is
 * already end-to-end encrypted rather than sent in passthrough while the MLS group forms. Resolves
 * 'alone' when nobody else is in the channel after `aloneMs` (there is no group to form until someone joins).
 */
export function waitForE2ee(
  connection: VoiceConnection,
  options: { timeoutMs: number; aloneMs: number },
): Promise<E2eeWait> {
  const now = e2eeStatus(connection);
  if (now.status !== 'pending') return Promise.resolve(now.status);
  return new Promise<E2eeWait>((resolve) => {
    const finish = (result: E2eeWait): void => {
      clearTimeout(alone);
      clearTimeout(timeout);
      connection.off('transitioned', onTransition);
      resolve(result);
    };
    const onTransition = (): void => {
      const status = e2eeStatus(connection).status;
      if (status !== 'pending') finish(status);
    };
    const alone = setTimeout(() => e2eeStatus(connection).others === 0 && finish('alone'), options.aloneMs);
    const timeout = setTimeout(() => finish('timeout'), options.timeoutMs);
    connection.on('transitioned', onTransition);
  });
}

/** Close code 4017: the voice server requires DAVE and this client did not (or could not) offer it. */
export const E2EE_REQUIRED_CLOSE = 4017;

/**
 * Calls `onClose` with every voice WebSocket close code, across the networking instances the connection
 * creates (each reconnect makes a new one). @discordjs/voice rejoins on any code but 4014 on its own, so a
 * 4017 must be acted on here, or it becomes a join loop.
 */
export function watchVoiceCloses(connection: VoiceConnection, onClose: (code: number) => void): void {
  const seen = new WeakSet<object>();
  const attach = (): void => {
    const networking = networkingOf(connection);
    if (!networking || seen.has(networking)) return;
    seen.add(networking);
    networking.on('close', onClose);
  };
  attach();
  connection.on('stateChange', attach);
}
