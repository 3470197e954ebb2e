/**
 * @ledger/audit: what auditors ask of the ledger, answered from the event store alone: a stream
 * replayed with every link of its hash chain checked, the balance at a revision or an instant,
 * an export of everything in global order, and signed anchors that make a rewritten or truncated
 * history detectable by someone who can write the database but does not hold the signing key.
 */
export { AUDIT_V1_PATH } from './audit-paths';
export { type AuditedEvent, auditedEvent, linkProblem } from './replay/audited-event';
export { REPLAY_PAGE_SIZE, type ReplayPage, replayPage, replayStream, streamExists } from './replay/stream-replay';
export {
  type BalanceAnswer,
  type BalanceAt,
  type BalancePoint,
  type BalanceQuantity,
  balanceAt,
} from './balance/balance-at';
export {
  type ExportOptions,
  type ExportTrailer,
  exportEvents,
  exportLine,
  formatExportPosition,
  parseExportPosition,
} from './export/event-export';
export {
  AUDIT_ANCHOR_SCHEMA,
  type AnchorPosition,
  type AnchoredHead,
  type AuditAnchor,
  GENESIS_DIGEST,
  type UnsignedAnchor,
  chainHeads,
  signedText,
} from './anchors/audit-anchor';
export {
  anchorKeyId,
  anchorSignatureValid,
  loadAnchorPrivateKey,
  loadAnchorPublicKey,
  signAnchor,
} from './anchors/anchor-keys';
export { AnchorStore } from './anchors/anchor-store';
export { type AnchorTip, FIRST_TIP, PendingAnchor, tipOf } from './anchors/pending-anchor';
export { type Finding, type FindingKind, formatFinding } from './verify/finding';
export { type AnchorCheck, checkAnchors } from './verify/anchor-checks';
export { StreamCheck } from './verify/stream-check';
export { type VerifyChainOptions, type VerifyChainResult, verifyChain } from './verify/verify-chain';
