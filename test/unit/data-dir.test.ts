import { describe, expect, it } from 'vitest';
import { dataDirFromArguments } from '../../src/main/core/files/data-dir';

describe('the data folder named on the command line', () => {
  it('reads --data-dir DIR and --data-dir=DIR, and nothing when absent', () => {
    expect(dataDirFromArguments(['--port', '0', '--data-dir', '/srv/nedradesk'])).toBe('/srv/nedradesk');
    expect(dataDirFromArguments(['--data-dir=C:\\Данные\\NedraDesk'])).toBe('C:\\Данные\\NedraDesk');
    expect(dataDirFromArguments(['--port', '5780'])).toBeUndefined();
  });
});
