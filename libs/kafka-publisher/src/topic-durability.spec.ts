import { TopicDurabilityError, decideDurability, topicMismatches } from './topic-durability';

describe('decideDurability', () => {
  describe('when nothing is configured', () => {
    it.each([
      [1, 1, 1],
      [2, 2, 1],
      [3, 3, 2],
      [5, 3, 2],
    ])('on %i broker(s) picks replication factor %i and min ISR %i', (brokers, rf, minIsr) => {
      expect(decideDurability({}, brokers)).toMatchObject({ replicationFactor: rf, minInsyncReplicas: minIsr });
    });

    it('warns when the cluster is too small for three copies', () => {
      expect(decideDurability({}, 1).warnings).toEqual([expect.stringMatching(/1 broker.*replication factor 1/)]);
      expect(decideDurability({}, 3).warnings).toEqual([]);
    });
  });

  describe('when the replication factor is configured', () => {
    it('uses it as given and derives min ISR from it', () => {
      expect(decideDurability({ replicationFactor: 2 }, 3)).toMatchObject({
        replicationFactor: 2,
        minInsyncReplicas: 1,
      });
      expect(decideDurability({ replicationFactor: 3 }, 4)).toMatchObject({
        replicationFactor: 3,
        minInsyncReplicas: 2,
      });
    });

    it('refuses rather than lowers it when the cluster has fewer brokers', () => {
      expect(() => decideDurability({ replicationFactor: 3 }, 2)).toThrow(TopicDurabilityError);
      expect(() => decideDurability({ replicationFactor: 3 }, 2)).toThrow(/KAFKA_REPLICATION_FACTOR is 3 .* 2 broker/);
    });
  });

  describe('when min ISR is configured', () => {
    it('uses it as given', () => {
      expect(decideDurability({ minInsyncReplicas: 1 }, 3)).toMatchObject({
        replicationFactor: 3,
        minInsyncReplicas: 1,
      });
    });

    it('refuses a min ISR above the replication factor: no acks=all write could succeed', () => {
      expect(() => decideDurability({ minInsyncReplicas: 2 }, 1)).toThrow(
        /KAFKA_MIN_INSYNC_REPLICAS is 2 .* factor is 1/,
      );
    });

    it('warns that min ISR equal to the replication factor stops publishing when one replica is down', () => {
      expect(decideDurability({ minInsyncReplicas: 3 }, 3).warnings).toEqual([
        expect.stringContaining('publishing stops while any replica is down'),
      ]);
    });
  });

  it('refuses a cluster that reports no broker', () => {
    expect(() => decideDurability({}, 0)).toThrow(TopicDurabilityError);
  });
});

describe('topicMismatches', () => {
  const wanted = {
    name: 't',
    partitions: 6,
    replicationFactor: 3,
    configs: { 'cleanup.policy': 'compact', 'min.insync.replicas': '2' },
  };

  it('reports nothing for a topic as the ledger creates it', () => {
    const existing = { ...wanted, configs: { ...wanted.configs } };
    expect(topicMismatches(wanted, existing)).toEqual([]);
  });

  it('names every difference: partitions, replicas and each config', () => {
    const existing = { name: 't', partitions: 3, replicationFactor: 1, configs: { 'cleanup.policy': 'delete' } };
    expect(topicMismatches(wanted, existing)).toEqual([
      'topic t: partition count is 3, expected 6',
      'topic t: replication factor is 1, expected 3',
      'topic t: cleanup.policy is delete, expected compact',
      'topic t: min.insync.replicas is unset, expected 2',
    ]);
  });
});
