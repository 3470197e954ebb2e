import { StreamNames } from './stream-names';

describe('StreamNames', () => {
  it('maps names both ways under a namespace and delivers only ledger streams', () => {
    const names = new StreamNames('tenant.a+b-');
    expect(names.toEsdb('bucket-1')).toBe('tenant.a+b-bucket-1');
    expect(names.fromEsdb('tenant.a+b-bucket-1', 'BalanceToppedUp')).toBe('bucket-1');
    expect(names.fromEsdb('tenantXa+b-bucket-1', 'BalanceToppedUp')).toBeUndefined();
    expect(names.fromEsdb('tenant.a+b-$stats', 'X')).toBeUndefined();
    expect(names.fromEsdb(names.commandMarker('c-1'), 'CommandCompleted')).toBeUndefined();
    expect(names.fromEsdb('tenant.a+b-bucket-1', '$>')).toBeUndefined();
    expect(names.fromEsdb('bucket-1', 'X')).toBeUndefined();
  });

  it('sends a filter regex that matches exactly what readAll keeps', () => {
    const names = new StreamNames('', ['bucket-', 'auto.topup-']);
    const regex = new RegExp(names.filterRegex);
    expect(['bucket-1', 'auto.topup-x'].map((s) => regex.test(s))).toEqual([true, true]);
    expect(['autoXtopup-x', '$bucket-1', 'ledger-command-1', 'other'].map((s) => regex.test(s))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(new StreamNames().filterRegex).toBe('^(?!\\$|ledger\\-command\\-)');
  });

  it('refuses names no reader would see and empty or reserved prefixes', () => {
    expect(() => new StreamNames().assertWritable('$all')).toThrow(TypeError);
    expect(() => new StreamNames().assertWritable('ledger-command-x')).toThrow(TypeError);
    expect(() => new StreamNames('', ['bucket-']).assertWritable('account-1')).toThrow(TypeError);
    expect(() => new StreamNames('', [])).toThrow(RangeError);
    expect(() => new StreamNames('', ['$ce-'])).toThrow(RangeError);
  });
});
