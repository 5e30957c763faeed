import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TimeField } from '../../renderer/src/ui/TimeField';

/** The field as a toolbar holds it: the typed text lives in the parent. */
function Harness({ initial = '' }: { initial?: string }) {
  const [value, setValue] = useState(initial);
  return <TimeField label="Start time" value={value} onChange={setValue} />;
}

const field = () => screen.getByRole('textbox', { name: 'Start time' });
const typeTime = async (text: string) => {
  const user = userEvent.setup();
  render(<Harness />);
  await user.type(field(), text);
};

// Monday 23 November 2026, 14:30 in Berlin (the zone the component project runs in).
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-23T14:30:00+01:00'));
});
afterEach(() => vi.useRealTimers());

describe('TimeField: a time as people type it, said back with the zone', () => {
  it('shows nothing under an empty field', () => {
    render(<Harness />);
    expect(field().getAttribute('value')).toBe('');
    expect(screen.queryByText(/Europe\/Berlin/)).toBeNull();
    expect(screen.queryByText(/not a time/)).toBeNull();
  });

  it('reads 08:00 as today at eight, local time', async () => {
    await typeTime('08:00');
    expect(field().getAttribute('value')).toBe('08:00');
    screen.getByText('Mon, 23 Nov 2026, 08:00:00 Europe/Berlin (UTC+01:00)');
  });

  it('reads 8:30 pm with seconds and AM/PM', async () => {
    await typeTime('8:30:15 pm');
    screen.getByText('Mon, 23 Nov 2026, 20:30:15 Europe/Berlin (UTC+01:00)');
  });

  it('reads yesterday 08:00', async () => {
    await typeTime('yesterday 08:00');
    screen.getByText('Sun, 22 Nov 2026, 08:00:00 Europe/Berlin (UTC+01:00)');
  });

  it('reads -15m as fifteen minutes ago', async () => {
    await typeTime('-15m');
    screen.getByText('Mon, 23 Nov 2026, 14:15:00 Europe/Berlin (UTC+01:00)');
  });

  it('reads an ISO time in UTC and says it in the local zone', async () => {
    await typeTime('2026-11-22T08:00:00Z');
    screen.getByText('Sun, 22 Nov 2026, 09:00:00 Europe/Berlin (UTC+01:00)');
  });

  it('reads an ISO date-time without a zone as local time', async () => {
    await typeTime('2026-07-01 12:00');
    // Summer: the offset said back is the one that applies on that day.
    screen.getByText('Wed, 1 Jul 2026, 12:00:00 Europe/Berlin (UTC+02:00)');
  });

  it('reads epoch milliseconds', async () => {
    await typeTime('1795411200000');
    screen.getByText('Mon, 23 Nov 2026, 06:20:00 Europe/Berlin (UTC+01:00)');
  });

  it('says what is wrong with garbage, and marks the field', async () => {
    await typeTime('next tuesday-ish');
    screen.getByText(/"next tuesday-ish" is not a time Rewind can read: try 08:00/);
    expect(field().className).toContain('invalid');
    expect(screen.queryByText(/Europe\/Berlin/)).toBeNull();
  });

  it('says a day with a bad time of day is not a time of day', async () => {
    await typeTime('yesterday 25:00');
    screen.getByText('"25:00" is not a time of day: write 08:00 or 8:30 pm');
  });

  it('follows edits: fixing a typo replaces the error with the reading', async () => {
    const user = userEvent.setup();
    render(<Harness initial="08:0x" />);
    screen.getByText(/is not a time Rewind can read/);
    await user.clear(field());
    await user.type(field(), '08:05');
    expect(screen.queryByText(/is not a time Rewind can read/)).toBeNull();
    screen.getByText('Mon, 23 Nov 2026, 08:05:00 Europe/Berlin (UTC+01:00)');
    expect(field().className).not.toContain('invalid');
  });
});
