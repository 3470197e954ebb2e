import { describeEventStoreContract } from '../testing/event-store.contract';
import { DuplicateEventId } from '../event-store.errors';
import { InMemoryEventStore } from './in-memory-event-store';

describeEventStoreContract('InMemoryEventStore', async () => {
  const store = new InMemoryEventStore({ timing: { pollIntervalMs: 50 } });
  return {
    store,
    teardown: () => store.close(),
    tamper: async (stream, revision, data) => store.tamperWithEvent(stream, revision, data),
    failNextReads: (count) => {
      store.failNextReads(count);
      return { pending: () => store.pendingReadFailures };
    },
  };
});

describe('InMemoryEventStore', () => {
  it('rejects an event id that is already stored, writing nothing', async () => {
    const store = new InMemoryEventStore();
    const id = '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b';
    await store.append('a', [{ id, type: 'X', data: {} }], 'no_stream');
    await expect(
      store.append(
        'b',
        [
          { type: 'Y', data: {} },
          { id, type: 'X', data: {} },
        ],
        'no_stream',
      ),
    ).rejects.toEqual(new DuplicateEventId(id));
    expect(await store.readStream('b')).toEqual({ found: false });
  });

  it('hands out copies, so a caller mutating an event cannot change the store', async () => {
    const store = new InMemoryEventStore();
    await store.append('a', [{ type: 'X', data: { n: 1 } }], 'no_stream');
    const first = await store.readStream('a');
    if (first.found) first.events[0].data.n = 2;
    const again = await store.readStream('a');
    expect(again.found && again.events[0].data).toEqual({ n: 1 });
  });
});
