import { FixedWindowStorage } from './fixed-window-storage';

describe('FixedWindowStorage', () => {
  let now: number;
  let storage: FixedWindowStorage;
  const hit = (key = 'client:a') => storage.increment(key, 60_000, 3, 60_000, 'writes');

  beforeEach(() => {
    now = 1_000_000;
    storage = new FixedWindowStorage(() => now);
  });

  it('lets `limit` hits through per window, then blocks until the window ends', async () => {
    for (let i = 1; i <= 3; i++) expect(await hit()).toMatchObject({ isBlocked: false, totalHits: i });
    now += 20_000;
    expect(await hit()).toEqual({ isBlocked: true, totalHits: 4, timeToExpire: 40, timeToBlockExpire: 40 });
    now += 40_000;
    expect(await hit()).toMatchObject({ isBlocked: false, totalHits: 1 });
  });

  it('counts each key and each throttler on its own', async () => {
    for (let i = 0; i < 3; i++) await hit('client:a');
    expect((await hit('client:b')).isBlocked).toBe(false);
    expect((await storage.increment('client:a', 60_000, 3, 60_000, 'reads')).isBlocked).toBe(false);
  });
});
