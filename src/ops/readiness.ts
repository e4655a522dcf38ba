/** The answer `/readyz` gives: ready, or not with a reason a human can act on. */
export interface Readiness {
  readonly ready: boolean;
  /** Why not ready (first failing condition), e.g. `gateway not ready yet`. */
  readonly reason?: string;
  /** Everything that was checked, for the JSON body; warnings do not make the bot unready. */
  readonly checks: Readonly<
    Record<string, { readonly ok: boolean; readonly detail?: string; readonly critical: boolean }>
  >;
}

/** An extra condition, e.g. the store being healthy. Non-critical ones are reported but never block. */
export interface ReadinessCheck {
  readonly name: string;
  readonly critical: boolean;
  check(): { ok: boolean; detail?: string };
}

/**
 * Tracks whether the gateway is usable, fed from discord.js client events (see `trackGateway`), without
 * importing discord.js. Invariants: not ready before the first `clientReady`; not ready while any shard
 * this process owns is disconnected or reconnecting; not ready once shutdown has begun (so a load balancer
 * or orchestrator stops routing before the process exits).
 */
export class ReadinessTracker {
  private clientReady = false;
  private shuttingDown = false;
  private readonly downShards = new Map<number, string>();
  private readonly checks: ReadinessCheck[] = [];

  markReady(): void {
    this.clientReady = true;
  }

  shardUp(shardId: number): void {
    this.downShards.delete(shardId);
  }

  shardDown(shardId: number, reason: string): void {
    this.downShards.set(shardId, reason);
  }

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  addCheck(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  /** The readiness callback the HTTP server calls. */
  readonly evaluate = (): Readiness => {
    const checks: Record<string, { ok: boolean; detail?: string; critical: boolean }> = {
      gateway: this.gatewayCheck(),
    };
    for (const extra of this.checks) checks[extra.name] = { ...safeCheck(extra), critical: extra.critical };
    if (this.shuttingDown) return { ready: false, reason: 'shutting down', checks };
    const failing = Object.entries(checks).find(([, c]) => c.critical && !c.ok);
    return failing
      ? { ready: false, reason: `${failing[0]}: ${failing[1].detail ?? 'not ok'}`, checks }
      : { ready: true, checks };
  };

  private gatewayCheck(): { ok: boolean; detail?: string; critical: true } {
    if (!this.clientReady) return { ok: false, detail: 'gateway not ready yet', critical: true };
    const [first] = this.downShards;
    if (first) return { ok: false, detail: `shard ${first[0]} ${first[1]}`, critical: true };
    return { ok: true, critical: true };
  }
}

function safeCheck(check: ReadinessCheck): { ok: boolean; detail?: string } {
  try {
    return check.check();
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
