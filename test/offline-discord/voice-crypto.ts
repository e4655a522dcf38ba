import { createCipheriv, createDecipheriv } from 'node:crypto';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';

/** The transport encryption modes @discordjs/voice 0.19 implements (both "rtpsize" AEAD modes). */
export type VoiceEncryptionMode = 'aead_aes256_gcm_rtpsize' | 'aead_xchacha20_poly1305_rtpsize';

/** The fields of an RTP header the fake keeps. */
export interface RtpHeader {
  sequence: number;
  timestamp: number;
  ssrc: number;
  payloadType: number;
}

/** Reads an RTP header; returns undefined for anything that is not RTP version 2. */
export function parseRtpHeader(packet: Buffer): RtpHeader | undefined {
  if (packet.length < 12 || packet[0]! >> 6 !== 2) return undefined;
  return {
    payloadType: packet[1]! & 0x7f,
    sequence: packet.readUInt16BE(2),
    timestamp: packet.readUInt32BE(4),
    ssrc: packet.readUInt32BE(8),
  };
}

/**
 * Decrypts an "rtpsize" voice packet: the RTP header (12 bytes + CSRCs, plus the 4-byte extension header
 * if the X bit is set) is the AAD; then ciphertext, 16-byte tag, and a 4-byte big-endian nonce counter
 * that fills bytes 0-3 of an otherwise zero nonce (12 bytes for AES-GCM, 24 for XChaCha20).
 * The decrypted extension body (if any) is stripped, leaving the Opus payload. Throws on a bad tag.
 */
export function decryptRtpSize(packet: Buffer, mode: VoiceEncryptionMode, key: Uint8Array): Buffer {
  const first = packet[0]!;
  let headerSize = 12 + 4 * (first & 0x0f);
  const hasExtension = (first & 0x10) !== 0;
  if (hasExtension) headerSize += 4;
  if (packet.length < headerSize + 16 + 4) throw new Error(`voice packet too short (${packet.length} bytes)`);
  const aad = packet.subarray(0, headerSize);
  const counter = packet.subarray(packet.length - 4);
  const sealed = packet.subarray(headerSize, packet.length - 4);
  let plain: Buffer;
  if (mode === 'aead_aes256_gcm_rtpsize') {
    const nonce = Buffer.alloc(12);
    counter.copy(nonce, 0);
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
  } else {
    const nonce = new Uint8Array(24);
    nonce.set(counter, 0);
    plain = Buffer.from(xchacha20poly1305(key, nonce, aad).decrypt(sealed));
  }
  if (hasExtension) {
    const extensionWords = packet.readUInt16BE(headerSize - 2);
    plain = plain.subarray(4 * extensionWords);
  }
  return plain;
}

/** The inverse of `decryptRtpSize` (no extension), for unit tests of the fake itself. */
export function encryptRtpSize(
  header: Buffer,
  opus: Buffer,
  mode: VoiceEncryptionMode,
  key: Uint8Array,
  counter: number,
): Buffer {
  const counterBytes = Buffer.alloc(4);
  counterBytes.writeUInt32BE(counter, 0);
  if (mode === 'aead_aes256_gcm_rtpsize') {
    const nonce = Buffer.alloc(12);
    counterBytes.copy(nonce, 0);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(header);
    return Buffer.concat([header, cipher.update(opus), cipher.final(), cipher.getAuthTag(), counterBytes]);
  }
  const nonce = new Uint8Array(24);
  nonce.set(counterBytes, 0);
  return Buffer.concat([header, Buffer.from(xchacha20poly1305(key, nonce, header).encrypt(opus)), counterBytes]);
}
