import { KeyedQueue } from './keyed-queue';

describe('KeyedQueue', () => {
  it('runs tasks of one key one at a time, in arrival order', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([
      queue.run('a', task('1', 20)),
      queue.run('a', task('2', 1)),
      queue.run('a', task('3', 5)),
    ]);
    expect(results).toEqual(['1', '2', '3']);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('lets different keys run side by side and a failure not block the next task', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const slow = queue.run('a', async () => {
      await new Promise((r) => setTimeout(r, 20));
      log.push('a');
    });
    const fast = queue.run('b', async () => {
      log.push('b');
    });
    const failing = queue.run('c', async () => {
      throw new Error('boom');
    });
    const after = queue.run('c', async () => 'ran');
    await expect(failing).rejects.toThrow('boom');
    await expect(after).resolves.toBe('ran');
    await Promise.all([slow, fast]);
    expect(log).toEqual(['b', 'a']);
    await new Promise((r) => setImmediate(r));
    expect(queue.size).toBe(0);
  });
});
