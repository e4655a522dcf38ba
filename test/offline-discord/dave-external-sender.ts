import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
  DAVE_CIPHERSUITE,
  encodeExternalProposalMessage,
  encodeExternalSender,
  encodeProposalContent,
  framedContentTbs,
  LIFETIME_MAX,
  MLS_VERSION_10,
  readKeyPackageMessage,
  signContent,
} from './mls-messages.js';
import type { ExternalProposal, KeyPackage } from './mls-messages.js';

/** SEC1 uncompressed point (0x04 || x || y), as MLS carries P-256 signature public keys. */
export function p256PublicPoint(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
}

/** A KeyObject for a SEC1 uncompressed P-256 point (65 bytes). */
export function p256KeyFromPoint(point: Buffer): KeyObject {
  if (point.length !== 65 || point[0] !== 4) throw new Error('not an uncompressed P-256 point');
  return createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  });
}

/** §5.1.2 VerifyWithLabel with ECDSA P-256/SHA-256 (DER signatures, as mlspp and openmls produce). */
export function verifyWithLabel(publicPoint: Buffer, label: string, content: Buffer, signature: Buffer): boolean {
  try {
    return verify('sha256', signContent(label, content), p256KeyFromPoint(publicPoint), signature);
  } catch {
    return false;
  }
}

/** Why the gateway refused a key package (DAVE "Key Packages / Validation"). */
export type KeyPackageProblem =
  | 'malformed'
  | 'version'
  | 'ciphersuite'
  | 'identity'
  | 'lifetime'
  | 'leaf-signature'
  | 'signature';

/**
 * The voice gateway's MLS external sender (RFC 9420 §12.1.8): its own P-256 signing key and basic credential,
 * announced to members in op 25, used to sign the Add/Remove proposals of op 27.
 */
export class DaveExternalSender {
  readonly publicPoint: Buffer;
  readonly identity: Buffer;
  private readonly privateKey: KeyObject;

  constructor(identity = Buffer.from('offline-discord voice gateway')) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = pair.privateKey;
    this.publicPoint = p256PublicPoint(pair.publicKey);
    this.identity = identity;
  }

  /** The ExternalSender struct that op 25 carries. */
  package(): Buffer {
    return encodeExternalSender(this.publicPoint, this.identity);
  }

  /** A signed external proposal (PublicMessage, sender external index 0) and its ProposalRef. */
  propose(groupId: Buffer, epoch: bigint, proposal: ExternalProposal): { message: Buffer; ref: Buffer } {
    const content = encodeProposalContent(groupId, epoch, 0, proposal);
    const signature = sign('sha256', signContent('FramedContentTBS', framedContentTbs(content)), this.privateKey);
    return encodeExternalProposalMessage(content, signature);
  }

  /**
   * Validates a member's key package as the DAVE gateway must before proposing it: MLS 1.0, ciphersuite 2,
   * basic credential = the authenticated user id, lifetime 0..2^64-1, valid leaf and key package signatures.
   */
  static validateKeyPackage(
    message: Buffer,
    userIdBytes: Buffer,
  ): { keyPackage: KeyPackage } | { problem: KeyPackageProblem } {
    let kp: KeyPackage;
    try {
      kp = readKeyPackageMessage(message);
    } catch {
      return { problem: 'malformed' };
    }
    if (kp.version !== MLS_VERSION_10) return { problem: 'version' };
    if (kp.cipherSuite !== DAVE_CIPHERSUITE) return { problem: 'ciphersuite' };
    const leaf = kp.leafNode;
    if (!leaf.credential.identity.equals(userIdBytes)) return { problem: 'identity' };
    if (leaf.lifetime?.notBefore !== 0n || leaf.lifetime.notAfter !== LIFETIME_MAX) return { problem: 'lifetime' };
    if (!verifyWithLabel(leaf.signatureKey, 'LeafNodeTBS', leaf.tbs, leaf.signature))
      return { problem: 'leaf-signature' };
    if (!verifyWithLabel(leaf.signatureKey, 'KeyPackageTBS', kp.tbs, kp.signature)) return { problem: 'signature' };
    return { keyPackage: kp };
  }
}
