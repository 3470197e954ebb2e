import { createPrivateKey, createPublicKey, hash, KeyObject, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type AuditAnchor, signedText, type UnsignedAnchor } from './audit-anchor';

/** The anchoring key: Ed25519 only, so a key of another type is refused rather than used. */
export function loadAnchorPrivateKey(file: string): KeyObject {
  const key = createPrivateKey(readFileSync(file));
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is a ${key.asymmetricKeyType} key, not Ed25519`);
  return key;
}

export function loadAnchorPublicKey(file: string): KeyObject {
  const key = createPublicKey(readFileSync(file));
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is a ${key.asymmetricKeyType} key, not Ed25519`);
  return key;
}

/** Names the key in each anchor, so a verifier holding several (after a rotation) picks the right one. */
export function anchorKeyId(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return hash('sha256', publicKey.export({ type: 'spki', format: 'der' }), 'hex').slice(0, 16);
}

export function signAnchor(anchor: UnsignedAnchor, privateKey: KeyObject): AuditAnchor {
  const signature = sign(null, Buffer.from(signedText(anchor)), privateKey).toString('base64');
  return { ...anchor, signature };
}

export function anchorSignatureValid(anchor: AuditAnchor, publicKey: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(signedText(anchor)), publicKey, Buffer.from(anchor.signature, 'base64'));
  } catch {
    return false;
  }
}
