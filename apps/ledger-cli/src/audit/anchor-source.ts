import type { AuditAnchor } from '@ledger/audit';
import { AnchorStore } from '@ledger/audit';
import { createKafka, readWholeTopic } from '@ledger/kafka-publisher';
import type { LedgerContext } from '../ledger-context';

export type AnchorSource = 'db' | 'kafka';

/**
 * The anchors to hold the streams against: the audit.anchors table, or the Kafka topic, which a
 * database writer cannot reach (docs/auditing.md, "Which anchors to trust"). Records that are
 * not anchors are reported through `unreadable` rather than silently dropped.
 */
export async function loadAnchors(
  ledger: LedgerContext,
  source: AnchorSource,
  unreadable: (where: string) => void,
): Promise<AuditAnchor[]> {
  if (source === 'db') return new AnchorStore(ledger.pool).all();
  const { config } = ledger;
  const kafka = createKafka({
    brokers: config.kafkaBrokers,
    clientId: `${config.kafkaClientId}-audit`,
    ...config.kafkaSecurity,
  });
  const anchors: AuditAnchor[] = [];
  for (const record of await readWholeTopic(kafka, config.topics.auditAnchors)) {
    try {
      anchors.push(JSON.parse(record.value ?? '') as AuditAnchor);
    } catch {
      unreadable(`${config.topics.auditAnchors} partition ${record.partition} offset ${record.offset}`);
    }
  }
  return anchors;
}
