import { useEffect, useState } from 'react';
import type { LastCrash } from '../../../src/model/crash';
import { useClient } from '../api/client-context';
import type { AppInfo } from '../api/types';
import { copyText } from '../ui/copy';
import { formatTime } from '../ui/format';
import { bugReportText, howItEnded, shellName, whenItEnded } from './crash-report';

/**
 * What the user should know at start: how the last run died (once, until dismissed), and saved
 * passwords moved into or out of reach of the OS keychain.
 */
export function StartNotices({ info }: { info: AppInfo | null }) {
  const client = useClient();
  const [crash, setCrash] = useState<LastCrash | null>(null);
  const [secretsSeen, setSecretsSeen] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    client.call('app/last-crash', {}, { signal: controller.signal }).then(setCrash, () => undefined);
    return () => controller.abort();
  }, [client]);

  const dismissCrash = () => {
    if (!crash) return;
    setCrash(null);
    void client.call('app/dismiss-crash', { id: crash.id }).catch(() => undefined);
  };

  return (
    <>
      {crash && <CrashNotice crash={crash} onDismiss={dismissCrash} />}
      {info?.secretNotice && !secretsSeen && (
        <div className="notice start-notice" role="status">
          <span>{info.secretNotice}</span>
          <button type="button" className="btn small" onClick={() => setSecretsSeen(true)}>
            OK
          </button>
        </div>
      )}
    </>
  );
}

function CrashNotice({ crash, onDismiss }: { crash: LastCrash; onDismiss(): void }) {
  const [copied, setCopied] = useState(false);
  const how = howItEnded(crash);
  return (
    <section className="crash-notice" role="region" aria-labelledby="crash-notice-title">
      <h2 id="crash-notice-title">Rewind ended unexpectedly last time</h2>
      <dl>
        <dt>When</dt>
        <dd>
          {whenItEnded(crash)} · {shellName(crash)} {crash.version}, started {formatTime(crash.startedAt)}
        </dd>
        <dt>How</dt>
        <dd>
          <strong>{how.title}.</strong> {how.detail}
        </dd>
        {crash.lastRssMb !== null && (
          <>
            <dt>Memory</dt>
            <dd>{crash.lastRssMb.toLocaleString('en-US')} MB at its last sign of life</dd>
          </>
        )}
        <dt>Calls in flight</dt>
        <dd>
          {crash.callsInFlight.length === 0
            ? 'none'
            : crash.callsInFlight.map((c, i) => (
                <span key={i}>
                  {i > 0 && ', '}
                  <span className="mono">{c.method}</span> since {formatTime(c.startedAt)}
                </span>
              ))}
        </dd>
        {crash.escaped.length > 0 && (
          <>
            <dt>Escaped errors</dt>
            <dd>
              {crash.escaped.length} before it ended; the newest: <span className="mono">{crash.escaped.at(-1)!.message.split('\n')[0]}</span>
            </dd>
          </>
        )}
        <dt>For a bug report</dt>
        <dd>
          Paste what <strong>Copy</strong> gives and attach{' '}
          {crash.files.map((f, i) => (
            <span key={f}>
              {i > 0 && ', '}
              <span className="mono">{f}</span>
            </span>
          ))}
          . No call's parameters are written in them.
        </dd>
      </dl>
      <div className="crash-actions">
        <button
          type="button"
          className="btn"
          onClick={() =>
            void copyText(bugReportText(crash)).then(() => {
              setCopied(true);
            })
          }
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="btn" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    </section>
  );
}
