import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RangeInputs, rangeOf, describeFrom, WHOLE_RANGE, type Range } from '../../renderer/src/projections/RangeInputs';

/** The projection toolbar's From/To and what Rebuild would be asked to run (or what to fix). */
function Toolbar({ wholeTopic = false }: { wholeTopic?: boolean }) {
  const [range, setRange] = useState<Range>(WHOLE_RANGE);
  const [run, setRun] = useState('');
  const rebuild = () => {
    const r = rangeOf(range, wholeTopic);
    setRun('error' in r ? `cannot run: ${r.error}` : `from ${r.from.type === 'time' ? r.from.value : describeFrom(r.from)} to ${r.to ?? 'the end'}`);
  };
  return (
    <div role="toolbar" aria-label="Projection">
      <RangeInputs value={range} onChange={setRange} positionLabel="a position" wholeTopic={wholeTopic} />
      <button onClick={rebuild}>Rebuild</button>
      <output aria-label="run">{run}</output>
    </div>
  );
}

const ran = () => screen.getByRole('status', { name: 'run' }).textContent;
const from = () => screen.getByRole('combobox', { name: 'Rebuild from' });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-23T14:30:00+01:00'));
});
afterEach(() => vi.useRealTimers());

describe('projection toolbar: From and To of a rebuild', () => {
  it('runs the whole source by default', async () => {
    const user = userEvent.setup();
    render(<Toolbar />);
    expect((from() as HTMLSelectElement).value).toBe('start');
    expect(screen.queryByRole('textbox', { name: 'From position' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Rebuild' }));
    expect(ran()).toBe('from the start to the end');
  });

  it('runs from a position to a position', async () => {
    const user = userEvent.setup();
    render(<Toolbar />);
    await user.selectOptions(from(), 'a position');
    const position = screen.getByRole('textbox', { name: 'From position' });
    expect(document.activeElement).toBe(position);
    await user.type(position, '120');
    await user.type(screen.getByRole('textbox', { name: 'To position' }), '500');
    await user.click(screen.getByRole('button', { name: 'Rebuild' }));
    expect(ran()).toBe('from 120 to 500');
  });

  it('says what to fix in a position or an end that is not a number', async () => {
    const user = userEvent.setup();
    render(<Toolbar />);
    await user.selectOptions(from(), 'a position');
    await user.type(screen.getByRole('textbox', { name: 'From position' }), '12a');
    await user.click(screen.getByRole('button', { name: 'Rebuild' }));
    expect(ran()).toBe('cannot run: A position is a whole number, such as 0 or 1200.');
    await user.clear(screen.getByRole('textbox', { name: 'From position' }));
    await user.type(screen.getByRole('textbox', { name: 'From position' }), '12');
    await user.type(screen.getByRole('textbox', { name: 'To position' }), 'last');
    await user.click(screen.getByRole('button', { name: 'Rebuild' }));
    expect(ran()).toBe('cannot run: The end is a whole position; leave it empty to run to the end.');
  });

  it('starts a whole Kafka topic from an offset per partition', async () => {
    const user = userEvent.setup();
    render(<Toolbar wholeTopic />);
    await user.selectOptions(from(), 'offsets per partition');
    const offsets = screen.getByRole('textbox', { name: 'From offsets' });
    await user.type(offsets, '0:120, 1:98');
    await user.click(screen.getByRole('button', { name: 'Rebuild' }));
    expect(ran()).toBe('from offsets 0:120, 1:98 to the end');
    await user.clear(offsets);
    await user.type(offsets, '0=120');
    await user.click(screen.getByRole('button', { name: 'Rebuild' }));
    expect(ran()).toBe('cannot run: Write offsets as partition:offset, such as 0:120, 1:98 (not “0=120”).');
  });

  it('runs from a date and time to the second', async () => {
    const user = userEvent.setup();
    render(<Toolbar />);
    await user.selectOptions(from(), 'a time');
    await user.type(screen.getByLabelText('From time'), '2026-11-22T08:00:15');
    await user.click(screen.getByRole('button', { name: 'Rebuild' }));
    expect(ran()).toBe('from 2026-11-22T07:00:15.000Z to the end');
  });

  it('asks for a time when none is given, and says what is wrong with garbage', async () => {
    const user = userEvent.setup();
    render(<Toolbar />);
    await user.selectOptions(from(), 'a time');
    await user.click(screen.getByRole('button', { name: 'Rebuild' }));
    expect(ran()).toMatch(/^cannot run: /);
    await user.type(screen.getByLabelText('From time'), 'soonish');
    await user.click(screen.getByRole('button', { name: 'Rebuild' }));
    expect(ran()).toMatch(/^cannot run: "soonish" is not a time Rewind can read/);
  });

  // Issue 11: `08:00` was refused ("Pick a date and time to start from.") while From time was a
  // datetime-local box read with `new Date()`.
  it('runs from 08:00 typed as people type it, and says how it was understood', async () => {
    const user = userEvent.setup();
    render(<Toolbar />);
    await user.selectOptions(from(), 'a time');
    await user.type(screen.getByLabelText('From time'), '08:00');
    screen.getByText('Mon, 23 Nov 2026, 08:00:00 Europe/Berlin (UTC+01:00)');
    await user.click(screen.getByRole('button', { name: 'Rebuild' }));
    expect(ran()).toBe('from 2026-11-23T07:00:00.000Z to the end');
  });
});
