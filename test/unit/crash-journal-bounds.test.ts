import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CrashJournal } from '../../src/services/crash-journal';

/**
 * The crash folder stays bounded however badly a run behaves or however often the app dies: a
 * handler that throws in a loop writes 100 entries and counts the rest, the log moves aside past
 * 512 KB, and only the newest five fatal-error reports are kept.
 */
const dirs: string[] = [];
const journals: CrashJournal[] = [];
afterEach(() => {
  for (const j of journals.splice(0)) j.closeClean();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function open(dataDir: string): CrashJournal {
  const j = CrashJournal.open({ dataDir, shell: 'web', version: 'test' });
  journals.push(j);
  return j;
}
function folder(): string {
  const d = mkdtempSync(join(tmpdir(), 'rewind-crash-bounds-'));
  dirs.push(d);
  return d;
}

describe('the crash folder is bounded', () => {
  it('an error thrown in a loop is written 100 times, not 10,000', () => {
    const dir = folder();
    const j = open(dir);
    const big = 'x'.repeat(8_000);
    for (let i = 0; i < 10_000; i++) j.escapedFault('uncaught exception', new Error(`loop ${i} ${big}`));
    const log = readFileSync(join(dir, 'crash', 'crash.log'), 'utf8')
      .trim()
      .split('\n');
    expect(log).toHaveLength(100);
    // Each entry is cut to 4 KB of stack.
    expect(statSync(join(dir, 'crash', 'crash.log')).size).toBeLessThan(100 * 4_500);
  });

  it('the log moves aside past 512 KB, so the two files stay under 1.1 MB', () => {
    const dir = folder();
    for (let run = 0; run < 5; run++) {
      const j = open(dir);
      for (let i = 0; i < 100; i++) j.escapedFault('unhandled rejection', new Error('y'.repeat(4_000)));
      j.closeClean();
    }
    const sizes = readdirSync(join(dir, 'crash'))
      .filter((n) => n.startsWith('crash.log'))
      .map((n) => statSync(join(dir, 'crash', n)).size);
    expect(sizes).toHaveLength(2);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(1_100_000);
  });

  it('only the newest five reports are kept', () => {
    const dir = folder();
    mkdirSync(join(dir, 'crash'), { recursive: true });
    for (let i = 0; i < 8; i++) {
      const path = join(dir, 'crash', `report.20261207.0600${i}0.${1000 + i}.0.001.json`);
      writeFileSync(path, '{}');
      utimesSync(path, 1_700_000_000 + i, 1_700_000_000 + i);
    }
    open(dir);
    expect(
      readdirSync(join(dir, 'crash'))
        .filter((n) => n.startsWith('report.'))
        .sort(),
    ).toEqual([1003, 1004, 1005, 1006, 1007].map((p, k) => `report.20261207.0600${k + 3}0.${p}.0.001.json`));
  });
});
