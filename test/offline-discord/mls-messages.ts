import { createHash } from 'node:crypto';
import { MlsDecodeError, TlsReader, TlsWriter } from './mls-codec.js';

/**
 * The RFC 9420 structures the DAVE voice gateway builds or inspects, encoded field by field as the RFC
 * writes them (section numbers beside each). DAVE v1 fixes: MLS 1.0, ciphersuite 2
 * (DHKEMP256_AES128GCM_SHA256_P256), basic credentials whose identity is the user id as a big-endian u64.
 */

export const MLS_VERSION_10 = 1;
export const DAVE_CIPHERSUITE = 2;
export const CREDENTIAL_BASIC = 1;
export const WIRE_PUBLIC_MESSAGE = 1;
export const WIRE_WELCOME = 3;
export const WIRE_KEY_PACKAGE = 5;
export const SENDER_MEMBER = 1;
export const SENDER_EXTERNAL = 2;
export const CONTENT_PROPOSAL = 2;
export const CONTENT_COMMIT = 3;
export const PROPOSAL_ADD = 1;
export const PROPOSAL_REMOVE = 3;
const LEAF_SOURCE_KEY_PACKAGE = 1;
const LEAF_SOURCE_COMMIT = 3;
export const LIFETIME_MAX = 2n ** 64n - 1n;

/** §5.2 RefHash: SHA-256 over struct { opaque label<V>; opaque value<V>; }. */
export function refHash(label: string, value: Uint8Array): Buffer {
  const input = new TlsWriter().vector(Buffer.from(label)).vector(value).bytes();
  return createHash('sha256').update(input).digest();
}

/** §5.1.2 SignWithLabel's signed content: struct { opaque label<V> = "MLS 1.0 " + Label; opaque content<V>; }. */
export function signContent(label: string, content: Uint8Array): Buffer {
  return new TlsWriter()
    .vector(Buffer.from(`MLS 1.0 ${label}`))
    .vector(content)
    .bytes();
}

/** A user id as a DAVE basic credential identity: the snowflake as 8 big-endian bytes (also the group id rule). */
export function snowflakeBytes(id: string): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(id));
  return b;
}

export interface Credential {
  type: number;
  identity: Buffer;
}

/** §5.3 Credential (basic only in DAVE; other types are read so they can be refused). */
function readCredential(r: TlsReader): Credential {
  const type = r.u16();
  if (type !== CREDENTIAL_BASIC) throw new MlsDecodeError(`credential type ${type} is not basic`);
  return { type, identity: r.vector() };
}

export interface LeafNode {
  encryptionKey: Buffer;
  signatureKey: Buffer;
  credential: Credential;
  source: number;
  lifetime?: { notBefore: bigint; notAfter: bigint };
  /** The serialized LeafNodeTBS prefix (every field but the signature). */
  tbs: Buffer;
  signature: Buffer;
}

/** §7.2 LeafNode. */
export function readLeafNode(r: TlsReader): LeafNode {
  const start = r.offset;
  const encryptionKey = r.vector();
  const signatureKey = r.vector();
  const credential = readCredential(r);
  for (let i = 0; i < 5; i += 1) r.vector(); // Capabilities: versions, cipher_suites, extensions, proposals, credentials
  const source = r.u8();
  let lifetime: LeafNode['lifetime'];
  if (source === LEAF_SOURCE_KEY_PACKAGE) lifetime = { notBefore: r.u64(), notAfter: r.u64() };
  else if (source === LEAF_SOURCE_COMMIT) r.vector(); // parent_hash
  r.vector(); // extensions
  const tbs = r.since(start);
  const signature = r.vector();
  return { encryptionKey, signatureKey, credential, source, ...(lifetime ? { lifetime } : {}), tbs, signature };
}

export interface KeyPackage {
  version: number;
  cipherSuite: number;
  leafNode: LeafNode;
  /** The KeyPackage as serialized (the value of an Add proposal and of its KeyPackageRef). */
  bytes: Buffer;
  /** KeyPackageTBS: every field but the signature. */
  tbs: Buffer;
  signature: Buffer;
  /** §5.2 KeyPackageRef = RefHash("MLS 1.0 KeyPackage Reference", KeyPackage). */
  ref: Buffer;
}

/**
 * §10 KeyPackage as DAVE op 26 carries it. The protocol text says MLSMessage, but libdave and davey send the
 * bare KeyPackage (version 1, then ciphersuite 2); both are accepted (wire format 5 cannot be ciphersuite 2).
 */
export function readKeyPackageMessage(message: Buffer): KeyPackage {
  const r = new TlsReader(message);
  if (message.length >= 4 && message.readUInt16BE(0) === MLS_VERSION_10 && message.readUInt16BE(2) === WIRE_KEY_PACKAGE)
    r.raw(4);
  const start = r.offset;
  const version = r.u16();
  const cipherSuite = r.u16();
  r.vector(); // init_key
  const leafNode = readLeafNode(r);
  r.vector(); // extensions
  const tbs = r.since(start);
  const signature = r.vector();
  const bytes = r.since(start);
  r.end('KeyPackage');
  return { version, cipherSuite, leafNode, bytes, tbs, signature, ref: refHash('MLS 1.0 KeyPackage Reference', bytes) };
}

/** §12.1.8.1 ExternalSender { SignaturePublicKey signature_key; Credential credential; } (DAVE op 25's body). */
export function encodeExternalSender(signatureKey: Uint8Array, identity: Uint8Array): Buffer {
  return new TlsWriter().vector(signatureKey).u16(CREDENTIAL_BASIC).vector(identity).bytes();
}

export type ExternalProposal = { type: 'add'; keyPackage: Buffer } | { type: 'remove'; leafIndex: number };

/** §6 FramedContent for a proposal from external sender `senderIndex`. */
export function encodeProposalContent(
  groupId: Buffer,
  epoch: bigint,
  senderIndex: number,
  proposal: ExternalProposal,
): Buffer {
  const w = new TlsWriter()
    .vector(groupId)
    .u64(epoch)
    .u8(SENDER_EXTERNAL)
    .u32(senderIndex)
    .vector(Buffer.alloc(0))
    .u8(CONTENT_PROPOSAL);
  if (proposal.type === 'add') w.u16(PROPOSAL_ADD).raw(proposal.keyPackage);
  else w.u16(PROPOSAL_REMOVE).u32(proposal.leafIndex);
  return w.bytes();
}

/** §6.1 FramedContentTBS for a non-member sender: version, wire_format, content (no GroupContext). */
export function framedContentTbs(content: Buffer): Buffer {
  return new TlsWriter().u16(MLS_VERSION_10).u16(WIRE_PUBLIC_MESSAGE).raw(content).bytes();
}

/**
 * §6.2 PublicMessage from an external sender, wrapped in an MLSMessage (no membership tag: §6.2 only MACs
 * member senders). Returns the message and its §5.2 ProposalRef over AuthenticatedContent.
 */
export function encodeExternalProposalMessage(content: Buffer, signature: Buffer): { message: Buffer; ref: Buffer } {
  const auth = new TlsWriter().vector(signature).bytes();
  const authenticated = new TlsWriter().u16(WIRE_PUBLIC_MESSAGE).raw(content).raw(auth).bytes();
  const message = new TlsWriter().u16(MLS_VERSION_10).u16(WIRE_PUBLIC_MESSAGE).raw(content).raw(auth).bytes();
  return { message, ref: refHash('MLS 1.0 Proposal Reference', authenticated) };
}

export interface ParsedCommit {
  groupId: Buffer;
  epoch: bigint;
  senderType: number;
  senderLeaf: number;
  /** Proposal references, in commit order. */
  refs: Buffer[];
  /** Proposal types included by value (DAVE allows none). */
  inlineProposals: number;
  hasPath: boolean;
  /** The committer's new leaf (from the UpdatePath), to check it kept its credential and signature key. */
  pathLeaf?: LeafNode;
  /** The MLSMessage bytes of the commit (op 28 appends the Welcome right after). */
  bytes: Buffer;
}

/** §6 MLSMessage(PublicMessage(Commit)) as it starts a DAVE op 28 payload; `r` is left after the message. */
export function readCommitMessage(r: TlsReader): ParsedCommit {
  const start = r.offset;
  if (r.u16() !== MLS_VERSION_10) throw new MlsDecodeError('not an MLS 1.0 message');
  const wire = r.u16();
  if (wire !== WIRE_PUBLIC_MESSAGE) throw new MlsDecodeError(`commit wire format ${wire} is not mls_public_message`);
  const groupId = r.vector();
  const epoch = r.u64();
  const senderType = r.u8();
  let senderLeaf = -1;
  if (senderType === SENDER_MEMBER || senderType === SENDER_EXTERNAL) senderLeaf = r.u32();
  r.vector(); // authenticated_data
  const contentType = r.u8();
  if (contentType !== CONTENT_COMMIT) throw new MlsDecodeError(`content type ${contentType} is not commit`);
  const refs: Buffer[] = [];
  let inlineProposals = 0;
  for (const entry of r.list((inner) => readProposalOrRef(inner))) {
    if (Buffer.isBuffer(entry)) refs.push(entry);
    else inlineProposals += 1;
  }
  const hasPath = r.u8() === 1;
  let pathLeaf: LeafNode | undefined;
  if (hasPath) {
    pathLeaf = readLeafNode(r);
    r.vector(); // UpdatePathNode nodes<V>
  }
  r.vector(); // signature
  r.vector(); // confirmation_tag
  if (senderType === SENDER_MEMBER) r.vector(); // membership_tag
  return {
    groupId,
    epoch,
    senderType,
    senderLeaf,
    refs,
    inlineProposals,
    hasPath,
    ...(pathLeaf ? { pathLeaf } : {}),
    bytes: r.since(start),
  };
}

/** §12.4 ProposalOrRef: a reference (returned as its bytes) or a proposal by value (its type). */
function readProposalOrRef(r: TlsReader): Buffer | number {
  const kind = r.u8();
  if (kind === 2) return Buffer.from(r.vector());
  if (kind !== 1) throw new MlsDecodeError(`ProposalOrRef type ${kind}`);
  // By value: DAVE refuses these, so the rest of the commit need not be read. Stop parsing here.
  throw new InlineProposalError(r.u16());
}

/** A commit that carries a proposal by value (DAVE only allows references to the gateway's proposals). */
export class InlineProposalError extends MlsDecodeError {
  constructor(readonly proposalType: number) {
    super(`commit includes a proposal of type ${proposalType} by value`);
  }
}

export interface ParsedWelcome {
  cipherSuite: number;
  secrets: Array<{ newMember: Buffer; bytes: Buffer }>;
  encryptedGroupInfo: Buffer;
}

/** §12.4.3.1 Welcome (not MLSMessage-wrapped in DAVE ops 28 and 30). */
export function readWelcome(r: TlsReader): ParsedWelcome {
  const cipherSuite = r.u16();
  const secrets = r.list((inner) => {
    const start = inner.offset;
    const newMember = inner.vector();
    inner.vector(); // kem_output
    inner.vector(); // ciphertext
    return { newMember, bytes: inner.since(start) };
  });
  return { cipherSuite, secrets, encryptedGroupInfo: r.vector() };
}

/** The Welcome cut down to the secrets of one new member (what DAVE op 30 sends to each welcomed member). */
export function encodeTargetedWelcome(welcome: ParsedWelcome, keyPackageRef: Buffer): Buffer | undefined {
  const mine = welcome.secrets.filter((s) => s.newMember.equals(keyPackageRef));
  if (mine.length === 0) return undefined;
  return new TlsWriter()
    .u16(welcome.cipherSuite)
    .vector(Buffer.concat(mine.map((s) => s.bytes)))
    .vector(welcome.encryptedGroupInfo)
    .bytes();
}
