import { VoiceOpcodes } from 'discord-api-types/voice/v8';
import { DaveExternalSender } from './dave-external-sender.js';
import type { DaveEndpoint, DaveUplink } from './dave-listener.js';
import { MlsDecodeError, TlsReader, TlsWriter } from './mls-codec.js';
import { encodeTargetedWelcome, readCommitMessage, readWelcome, snowflakeBytes } from './mls-messages.js';
import type { KeyPackage, ParsedCommit, ParsedWelcome } from './mls-messages.js';

/** One prepare → execute cycle the gateway ran, kept for the tests' gap measurements. */
export interface DaveTransitionRecord {
  id: number;
  kind: 'commit' | 'downgrade' | 'upgrade' | 'reset';
  protocol: number;
  /** The epoch the group enters (0 for a downgrade or reset). */
  epoch: bigint;
  committer?: string;
  added: string[];
  removed: string[];
  preparedAt: number;
  executedAt?: number;
  timedOut: boolean;
}

interface Member {
  endpoint: DaveEndpoint;
  keyPackage?: KeyPackage;
  /** Leaf index in the established group, if the member is in it. */
  leaf?: number;
  /** Signature key of the member's leaf (from the key package it was added with). */
  signatureKey?: Buffer;
}

interface Proposal {
  ref: Buffer;
  message: Buffer;
  userId: string;
  type: 'add' | 'remove';
  keyPackage?: KeyPackage;
  leaf?: number;
}

interface PendingTransition {
  record: DaveTransitionRecord;
  waiting: Set<string>;
  timer: NodeJS.Timeout;
}

export interface DaveGatewayOptions {
  /** Execute a transition after this long even if not every member said ready (Discord: about 2 s). */
  transitionTimeoutMs?: number;
  /** Called when the group changes (for waits). */
  onChange?: () => void;
  /** Called when a member reports an invalid commit/welcome (op 31). */
  onInvalid?: (userId: string) => void;
}

/**
 * The voice gateway's side of DAVE for one media session (one voice channel), per the DAVE protocol text:
 * MLS delivery service and external sender. It keeps only what the gateway keeps (group id, epoch,
 * members and their leaf indexes), proposes Add/Remove as the external sender, picks the first valid
 * commit of an epoch, relays it (op 29) and the targeted welcomes (op 30), and runs transitions.
 */
export class DaveGateway implements DaveUplink {
  readonly groupId: Buffer;
  readonly sender = new DaveExternalSender();
  readonly transitions: DaveTransitionRecord[] = [];
  readonly rejectedCommits: Array<{ userId: string; reason: string }> = [];
  readonly invalidReports: Array<{ userId: string; transitionId: number }> = [];
  readonly keyPackageProblems: Array<{ userId: string; problem: string }> = [];
  protocol: number;
  /** The established group's epoch; 0 while no group is established. */
  epoch = 0n;
  private leaves: Array<string | null> = [];
  private readonly members = new Map<string, Member>();
  private proposals: Proposal[] = [];
  private queued = new Set<string>();
  private queueTimer: NodeJS.Timeout | undefined;
  private pending: PendingTransition | undefined;
  private nextTransitionId = 1;
  /** Fault injection: members whose next commit/welcome gets one byte flipped (they must report op 31). */
  private readonly corruptNext = new Set<string>();

  constructor(
    readonly channelId: string,
    protocol: number,
    private readonly options: DaveGatewayOptions = {},
  ) {
    this.groupId = snowflakeBytes(channelId);
    this.protocol = protocol;
  }

  /** The established group's members by leaf index (null = blank leaf), as the gateway tracks them. */
  get tree(): ReadonlyArray<string | null> {
    return this.leaves;
  }

  leafOf(userId: string): number | undefined {
    return this.members.get(userId)?.leaf;
  }

  has(userId: string): boolean {
    return this.members.has(userId);
  }

  get transitionInFlight(): boolean {
    return this.pending !== undefined;
  }

  /** A member connects: it learns who else is here (op 11), and the external sender (op 25). */
  join(endpoint: DaveEndpoint): void {
    const others = [...this.members.keys()];
    this.members.set(endpoint.userId, { endpoint });
    if (others.length > 0) endpoint.json(VoiceOpcodes.ClientsConnect, { user_ids: others });
    for (const id of others) this.endpoint(id)?.json(VoiceOpcodes.ClientsConnect, { user_ids: [endpoint.userId] });
    if (this.protocol === 0) return;
    endpoint.binary(VoiceOpcodes.DaveMlsExternalSender, this.sender.package());
    // "A client that joins when there is not an established group receives any already sent in-flight add proposals."
    if (this.epoch === 0n && this.proposals.length > 0 && !this.pending)
      endpoint.binary(VoiceOpcodes.DaveMlsProposals, this.appendPayload(this.proposals));
  }

  /** Swaps the transport of a member that resumed on a new WebSocket (its MLS state is unchanged). */
  rebind(endpoint: DaveEndpoint): void {
    const member = this.members.get(endpoint.userId);
    if (member) member.endpoint = endpoint;
  }

  /** A member disconnects: op 13 to the others, its in-flight adds revoked, its leaf proposed for removal. */
  leave(userId: string): void {
    const member = this.members.get(userId);
    if (!member) return;
    this.members.delete(userId);
    this.queued.delete(userId);
    for (const id of this.members.keys()) this.endpoint(id)?.json(VoiceOpcodes.ClientDisconnect, { user_id: userId });
    this.pending?.waiting.delete(userId);
    this.revoke(this.proposals.filter((p) => p.type === 'add' && p.userId === userId));
    if (this.members.size === 1 && this.protocol > 0) {
      this.soleMemberReset();
      return;
    }
    if (member.leaf !== undefined && this.epoch > 0n) this.propose([{ type: 'remove', userId, leaf: member.leaf }]);
    this.maybeExecute();
  }

  keyPackage(userId: string, bytes: Buffer): void {
    const member = this.members.get(userId);
    if (!member || this.protocol === 0) return;
    const result = DaveExternalSender.validateKeyPackage(bytes, snowflakeBytes(userId));
    if ('problem' in result) {
      this.keyPackageProblems.push({ userId, problem: result.problem });
      return;
    }
    // "A pending group member can replace their key package but cannot simultaneously use multiple key packages."
    this.revoke(this.proposals.filter((p) => p.type === 'add' && p.userId === userId));
    member.keyPackage = result.keyPackage;
    this.queued.add(userId);
    this.scheduleQueued();
  }

  commitWelcome(userId: string, payload: Buffer): void {
    const member = this.members.get(userId);
    if (!member || this.protocol === 0) return;
    let commit: ParsedCommit;
    let welcome: ParsedWelcome | undefined;
    try {
      const r = new TlsReader(payload);
      commit = readCommitMessage(r);
      if (r.remaining > 0) welcome = readWelcome(r);
      r.end('op 28');
    } catch (error) {
      this.reject(userId, error instanceof MlsDecodeError ? `malformed: ${error.message}` : String(error));
      return;
    }
    const problem = this.commitProblem(userId, member, commit, welcome);
    if (problem) {
      this.reject(userId, problem);
      return;
    }
    this.acceptCommit(userId, commit, welcome);
  }

  ready(userId: string, transitionId: number): void {
    if (this.pending?.record.id !== transitionId) return;
    this.pending.waiting.delete(userId);
    this.maybeExecute();
  }

  /** Test fault: the next op 29/30 to `userId` arrives with a flipped byte, as a corrupted message would. */
  corruptNextCommitTo(userId: string): void {
    this.corruptNext.add(userId);
  }

  /** Op 31: remove the flagging member; it returns to pending and will be re-added with its next key package. */
  invalid(userId: string, transitionId: number): void {
    this.invalidReports.push({ userId, transitionId });
    this.options.onInvalid?.(userId);
    const member = this.members.get(userId);
    if (!member) return;
    this.pending?.waiting.delete(userId);
    const leaf = member.leaf;
    // "The flagging member is returned to the pending member state": no group messages until it is re-added.
    delete member.leaf;
    if (leaf !== undefined && this.epoch > 0n) this.propose([{ type: 'remove', userId, leaf }]);
    this.maybeExecute();
  }

  /** Downgrade to transport-only encryption (as when a member without DAVE joins): ops 21 → 23 → 22. */
  downgrade(): number {
    this.clearGroup();
    return this.prepare(
      { kind: 'downgrade', protocol: 0, epoch: 0n, added: [], removed: [] },
      VoiceOpcodes.DavePrepareTransition,
    );
  }

  /** Upgrade back to DAVE v1: op 24 with epoch 1; members send key packages and a new group is created. */
  upgrade(protocol = 1): void {
    this.protocol = protocol;
    this.clearGroup();
    for (const member of this.members.values()) {
      member.endpoint.json(VoiceOpcodes.DavePrepareEpoch, { protocol_version: protocol, epoch: 1 });
      member.endpoint.binary(VoiceOpcodes.DaveMlsExternalSender, this.sender.package());
    }
    this.options.onChange?.();
  }

  close(): void {
    if (this.pending) clearTimeout(this.pending.timer);
    if (this.queueTimer) clearTimeout(this.queueTimer);
    this.pending = undefined;
  }

  private deliver(userId: string, op: number, payload: Buffer): void {
    if (this.corruptNext.delete(userId)) payload[Math.floor(payload.length / 2)]! ^= 0xff;
    this.endpoint(userId)?.binary(op, payload);
  }

  private endpoint(userId: string): DaveEndpoint | undefined {
    return this.members.get(userId)?.endpoint;
  }

  /** "Sole member reset": prepare_epoch(1) then prepare_transition(0); the gateway forgets the group. */
  private soleMemberReset(): void {
    const [last] = [...this.members.values()];
    this.clearGroup();
    last!.endpoint.json(VoiceOpcodes.DavePrepareEpoch, { protocol_version: this.protocol, epoch: 1 });
    last!.endpoint.json(VoiceOpcodes.DavePrepareTransition, { protocol_version: this.protocol, transition_id: 0 });
    const now = performance.now();
    this.transitions.push({
      id: 0,
      kind: 'reset',
      protocol: this.protocol,
      epoch: 0n,
      added: [],
      removed: [],
      preparedAt: now,
      executedAt: now,
      timedOut: false,
    });
    this.options.onChange?.();
  }

  private clearGroup(): void {
    if (this.pending) clearTimeout(this.pending.timer);
    this.pending = undefined;
    this.epoch = 0n;
    this.leaves = [];
    this.proposals = [];
    this.queued.clear();
    for (const member of this.members.values()) {
      delete member.leaf;
      delete member.keyPackage;
      delete member.signatureKey;
    }
  }

  private scheduleQueued(): void {
    if (this.queueTimer) return;
    // Batch key packages that arrive together into one op 27 (Discord "may delay ... to batch").
    this.queueTimer = setTimeout(() => {
      this.queueTimer = undefined;
      this.flushQueued();
    }, 5);
  }

  private flushQueued(): void {
    if (this.pending && this.pending.record.kind !== 'commit') return; // protocol change in progress
    const adds: Array<Omit<Proposal, 'ref' | 'message'>> = [];
    for (const userId of this.queued) {
      const member = this.members.get(userId);
      if (!member?.keyPackage) continue;
      if (member.leaf !== undefined && !this.proposals.some((p) => p.type === 'remove' && p.userId === userId)) {
        adds.push({ type: 'remove', userId, leaf: member.leaf });
      }
      adds.push({ type: 'add', userId, keyPackage: member.keyPackage });
    }
    this.queued.clear();
    if (adds.length > 0) this.propose(adds);
  }

  private propose(list: Array<Omit<Proposal, 'ref' | 'message'>>): void {
    const made: Proposal[] = list.map((p) => {
      const signed = this.sender.propose(
        this.groupId,
        this.epoch,
        p.type === 'add' ? { type: 'add', keyPackage: p.keyPackage!.bytes } : { type: 'remove', leafIndex: p.leaf! },
      );
      return { ...p, ...signed };
    });
    this.proposals.push(...made);
    if (this.epoch > 0n) {
      const payload = this.appendPayload(made);
      for (const member of this.members.values())
        if (member.leaf !== undefined) member.endpoint.binary(VoiceOpcodes.DaveMlsProposals, payload);
    } else {
      // No group yet: every pending member gets the adds of the others (each commits from its own local group).
      for (const [id, member] of this.members) {
        const theirs = made.filter((p) => p.userId !== id);
        if (theirs.length > 0) member.endpoint.binary(VoiceOpcodes.DaveMlsProposals, this.appendPayload(theirs));
      }
    }
    this.options.onChange?.();
  }

  private appendPayload(proposals: Proposal[]): Buffer {
    return Buffer.concat([
      Buffer.from([0]),
      new TlsWriter().vector(Buffer.concat(proposals.map((p) => p.message))).bytes(),
    ]);
  }

  /** "Voice Gateway Commit Validity" plus the epoch and race rules of "Commit Ordering". */
  private commitProblem(
    userId: string,
    member: Member,
    commit: ParsedCommit,
    welcome: ParsedWelcome | undefined,
  ): string | undefined {
    if (!commit.groupId.equals(this.groupId)) return 'wrong group id';
    if (commit.epoch < this.epoch) return `stale: epoch ${commit.epoch} already committed (lost the race)`;
    if (commit.epoch !== this.epoch) return `epoch ${commit.epoch} is not the current epoch ${this.epoch}`;
    if (commit.inlineProposals > 0) return 'proposal by value';
    if (commit.refs.length === 0) return 'no proposal references';
    if (commit.senderType !== 1) return `sender type ${commit.senderType}`;
    if (this.epoch > 0n && commit.senderLeaf !== member.leaf)
      return `sender leaf ${commit.senderLeaf} is not ${String(member.leaf)}`;
    if (this.epoch === 0n && commit.senderLeaf !== 0) return 'a new group is committed from leaf 0';
    const expected = this.proposals.filter((p) => !(this.epoch === 0n && p.userId === userId));
    const refs = new Set(commit.refs.map((r) => r.toString('hex')));
    if (refs.size !== commit.refs.length) return 'duplicate proposal reference';
    const known = new Set(expected.map((p) => p.ref.toString('hex')));
    for (const ref of refs) if (!known.has(ref)) return `unknown proposal ${ref.slice(0, 12)}`;
    if (known.size !== refs.size) return 'does not reference every unrevoked proposal';
    if (commit.pathLeaf && member.signatureKey && !commit.pathLeaf.signatureKey.equals(member.signatureKey))
      return 'changes its signature key';
    const adds = expected.filter((p) => p.type === 'add');
    if (adds.length > 0 && !welcome) return 'adds members without a welcome';
    if (welcome)
      for (const p of adds)
        if (!welcome.secrets.some((s) => s.newMember.equals(p.keyPackage!.ref))) return `welcome lacks ${p.userId}`;
    return undefined;
  }

  private reject(userId: string, reason: string): void {
    this.rejectedCommits.push({ userId, reason });
    this.options.onChange?.();
  }

  private acceptCommit(userId: string, commit: ParsedCommit, welcome: ParsedWelcome | undefined): void {
    const creating = this.epoch === 0n;
    const committed = this.proposals.filter((p) => !(creating && p.userId === userId));
    const before = creating
      ? [userId]
      : [...this.members.keys()].filter((id) => this.members.get(id)!.leaf !== undefined);
    if (creating) {
      this.leaves = [userId];
      const self = this.members.get(userId)!;
      self.leaf = 0;
      if (self.keyPackage) self.signatureKey = self.keyPackage.leafNode.signatureKey;
      delete self.keyPackage;
    }
    // RFC 9420 §12.3: removes first, then adds into the leftmost blank leaf (or a new one at the right).
    const removed: string[] = [];
    for (const p of committed.filter((q) => q.type === 'remove')) {
      this.leaves[p.leaf!] = null;
      removed.push(p.userId);
      const m = this.members.get(p.userId);
      if (m && m.leaf === p.leaf) delete m.leaf;
    }
    const added: string[] = [];
    for (const p of committed.filter((q) => q.type === 'add')) {
      let leaf = this.leaves.indexOf(null);
      if (leaf === -1) leaf = this.leaves.push(null) - 1;
      this.leaves[leaf] = p.userId;
      added.push(p.userId);
      const m = this.members.get(p.userId);
      if (m) {
        m.leaf = leaf;
        m.signatureKey = p.keyPackage!.leafNode.signatureKey;
        if (m.keyPackage === p.keyPackage) delete m.keyPackage;
      }
    }
    while (this.leaves.length > 0 && this.leaves[this.leaves.length - 1] === null) this.leaves.pop();
    this.epoch = commit.epoch + 1n;
    this.proposals = [];
    const id = this.prepare(
      { kind: 'commit', protocol: this.protocol, epoch: this.epoch, committer: userId, added, removed },
      undefined,
    );
    const header = Buffer.alloc(2);
    header.writeUInt16BE(id);
    for (const member of before)
      if (!removed.includes(member))
        this.deliver(member, VoiceOpcodes.DaveMlsAnnounceCommitTransition, Buffer.concat([header, commit.bytes]));
    for (const p of committed.filter((q) => q.type === 'add')) {
      const targeted = encodeTargetedWelcome(welcome!, p.keyPackage!.ref);
      if (targeted) this.deliver(p.userId, VoiceOpcodes.DaveMlsWelcome, Buffer.concat([header, targeted]));
    }
    // Key packages that missed this epoch's proposals are proposed again for the new epoch.
    for (const [memberId, m] of this.members) if (m.keyPackage && m.leaf === undefined) this.queued.add(memberId);
    if (this.queued.size > 0) this.scheduleQueued();
  }

  /** Starts a transition: everyone in the group (or everyone, for a protocol change) must say ready. */
  private prepare(
    record: Omit<DaveTransitionRecord, 'id' | 'preparedAt' | 'timedOut'>,
    announce: number | undefined,
  ): number {
    if (this.pending) this.execute(true);
    const id = this.nextTransitionId;
    this.nextTransitionId = (this.nextTransitionId % 0xffff) + 1;
    const full: DaveTransitionRecord = { ...record, id, preparedAt: performance.now(), timedOut: false };
    this.transitions.push(full);
    const waiting = new Set(
      record.kind === 'commit' ? this.leaves.filter((l): l is string => l !== null) : this.members.keys(),
    );
    const timer = setTimeout(() => this.execute(true), this.options.transitionTimeoutMs ?? 2_000);
    this.pending = { record: full, waiting, timer };
    if (announce !== undefined) {
      for (const member of this.members.values())
        member.endpoint.json(announce, { protocol_version: record.protocol, transition_id: id });
    }
    this.options.onChange?.();
    return id;
  }

  private maybeExecute(): void {
    if (this.pending && this.pending.waiting.size === 0) this.execute(false);
  }

  private execute(timedOut: boolean): void {
    const pending = this.pending;
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending = undefined;
    pending.record.timedOut = timedOut;
    pending.record.executedAt = performance.now();
    if (pending.record.kind === 'downgrade') this.protocol = 0;
    for (const member of this.members.values())
      member.endpoint.json(VoiceOpcodes.DaveExecuteTransition, { transition_id: pending.record.id });
    if (this.queued.size > 0) this.scheduleQueued();
    this.options.onChange?.();
  }

  /** Op 27 revoke: in-flight proposals members must drop (a member left, or replaced its key package). */
  private revoke(list: Proposal[]): void {
    if (list.length === 0) return;
    this.proposals = this.proposals.filter((p) => !list.includes(p));
    const refs = new TlsWriter();
    for (const p of list) refs.vector(p.ref);
    const payload = Buffer.concat([Buffer.from([1]), new TlsWriter().vector(refs.bytes()).bytes()]);
    for (const [id, member] of this.members) {
      const received = this.epoch > 0n ? member.leaf !== undefined : list.some((p) => p.userId !== id);
      if (received) member.endpoint.binary(VoiceOpcodes.DaveMlsProposals, payload);
    }
  }
}
