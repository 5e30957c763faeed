import type { LastCrash } from '../../../src/model/crash';
import { formatTime } from '../ui/format';

/** How the last run ended, as a title and a sentence. */
export function howItEnded(crash: LastCrash): { title: string; detail: string } {
  switch (crash.cause.kind) {
    case 'fatal-error':
      return { title: 'A fatal error', detail: crash.cause.detail };
    case 'native-crash':
      return { title: 'A crash', detail: crash.cause.detail };
    case 'exit-code':
      return { title: 'It exited on its own', detail: crash.cause.detail };
    case 'killed':
      return { title: 'Ended from outside', detail: crash.cause.detail };
  }
}

export const shellName = (crash: LastCrash) => (crash.shell === 'electron' ? 'the desktop app' : 'the web shell');

/** When it ended, in words: exact from a report, else its last sign of life. */
export const whenItEnded = (crash: LastCrash) => (crash.endedAtApproximate ? `about ${formatTime(crash.endedAt)} (its last sign of life)` : formatTime(crash.endedAt));

/** The text Copy gives: everything the notice says, ready to paste into a bug report. */
export function bugReportText(crash: LastCrash): string {
  const how = howItEnded(crash);
  const lines = [
    `Rewind ${crash.version} (${shellName(crash)}, pid ${crash.pid}) ended without a clean exit.`,
    `Started: ${crash.startedAt}`,
    `Ended: ${crash.endedAt}${crash.endedAtApproximate ? ' (last sign of life)' : ''}`,
    `How: ${how.title}. ${how.detail}`,
    ...(crash.lastRssMb === null ? [] : [`Memory at its last sign of life: ${crash.lastRssMb} MB`]),
    `Calls in flight: ${crash.callsInFlight.length === 0 ? 'none' : crash.callsInFlight.map((c) => `${c.method} (since ${c.startedAt})`).join(', ')}`,
    ...crash.escaped.map((e) => `Escaped ${e.kind} at ${e.at}: ${e.message.split('\n')[0]}`),
    `Files to attach: ${crash.files.join(', ')}`,
  ];
  return lines.join('\n');
}
