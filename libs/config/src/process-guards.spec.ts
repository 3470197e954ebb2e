import { FATAL_EXIT_CODE, installProcessGuards } from './process-guards';

describe('the process guards of every entry point', () => {
  const before = {
    rejection: process.listeners('unhandledRejection'),
    exception: process.listeners('uncaughtException'),
  };
  const written: string[] = [];
  let write: jest.SpyInstance;
  beforeEach(() => {
    written.length = 0;
    write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0);
  });
  afterEach(() => {
    write.mockRestore();
    for (const listener of process.listeners('unhandledRejection')) {
      if (!before.rejection.includes(listener)) process.removeListener('unhandledRejection', listener);
    }
    for (const listener of process.listeners('uncaughtException')) {
      if (!before.exception.includes(listener)) process.removeListener('uncaughtException', listener);
    }
  });

  it.each([
    ['unhandledRejection', 'unhandled rejection'],
    ['uncaughtException', 'uncaught exception'],
  ] as const)('turn an %s into one fatal line with the stack and exit 70', (event, kind) => {
    const codes: number[] = [];
    installProcessGuards('projector', ((code: number) => codes.push(code)) as (code: number) => never);
    process.emit(event as 'uncaughtException', new Error('57P03 the database system is shutting down'));
    expect(codes).toEqual([FATAL_EXIT_CODE]);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(
      new RegExp(`FATAL projector: ${kind}: Error: 57P03 the database system is shutting down\\n\\s+at `),
    );
  });
});
