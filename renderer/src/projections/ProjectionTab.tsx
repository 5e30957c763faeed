import { useEffect, useMemo, useRef, useState } from 'react';
import { useClient } from '../api/client-context';
import type { ConnectionSummary } from '../api/types';
import { ErrorBox } from '../ui/ErrorBox';
import { formatCount } from '../ui/format';
import { CodeEditor } from './CodeEditor';
import { HandlerErrorPanel } from './HandlerErrorPanel';
import { LimitsControl, savedLimits } from './LimitsControl';
import { TypeNotice, TypeSourceControl } from './TypeSourceControl';
import type { TypeSource } from '../../../src/model/type-source';
import { DiffPanel } from './panels/DiffPanel';
import { PartitionsPanel } from './panels/PartitionsPanel';
import { StatePanel } from './panels/StatePanel';
import { TimeTravelPanel } from './panels/TimeTravelPanel';
import { describeFrom, RangeInputs, rangeOf, WHOLE_RANGE, type Range } from './RangeInputs';
import { RunProgress } from './RunProgress';
import { SaveReadModel } from './SaveReadModel';
import { SkippedEvents } from './SkippedEvents';
import { SourcePicker, type SourceChoice } from './SourcePicker';
import { useRebuild } from './useRebuild';
import { keepRunDraft } from './detached-runs';
import { REBUILD_EVENT } from '../palette/usePalette';
import { ReplaceSubscriptionDialog } from './ReplaceSubscriptionDialog';
import { ApiCallError } from '../../../src/model/errors';
import type { ProjectionDraft } from '../workspace/saved-workspace';

type Panel = 'state' | 'partitions' | 'travel' | 'diff' | 'log';
const DEMO_TYPES = ['AccountCreated', 'MoneyDeposited', 'MoneyWithdrawn', 'MoneyTransferred', 'CartCreated', 'ItemAdded', 'ItemRemoved'];

interface Props {
  /** The draft this tab had before a reload; null for a new tab (it loads the first example). */
  initialDraft: ProjectionDraft | null;
  /** Every change to the code, source or range, so the workspace can keep it. */
  onDraft(draft: ProjectionDraft): void;
  connections: ConnectionSummary[];
  dark: boolean;
  onSubscriptionSaved(connectionId: string): void;
  onOpenReadModel(name: string): void;
  /** The tab's title, kept with a run that outlives the tab. */
  title: string;
  /** A run (by job id) that went on without its tab: take it back on opening. */
  attachJob?: string | null;
}

export function ProjectionTab({ initialDraft, onDraft, connections, dark, onSubscriptionSaved, onOpenReadModel, title, attachJob = null }: Props) {
  const client = useClient();
  const [examples, setExamples] = useState<{ name: string; description: string; source: string }[]>([]);
  const [code, setCode] = useState(initialDraft?.code ?? '');
  const [baseline, setBaseline] = useState(initialDraft?.baseline ?? '');
  const [source, setSource] = useState<SourceChoice>(initialDraft?.source ?? { connectionId: 'local', target: { type: 'store-all' }, label: '$all' });
  const [range, setRange] = useState<Range>(initialDraft?.range ?? WHOLE_RANGE);
  const [typeFrom, setTypeFrom] = useState<TypeSource | null>(initialDraft?.typeFrom ?? null);
  const draftSink = useRef(onDraft);
  draftSink.current = onDraft;
  useEffect(() => draftSink.current({ code, baseline, source, range, typeFrom }), [code, baseline, source, range, typeFrom]);
  const [limits, setLimits] = useState(savedLimits);
  const [panel, setPanel] = useState<Panel>('state');
  const [inputError, setInputError] = useState<string | null>(null);
  const [subName, setSubName] = useState<string | null>(null);
  const [subNotice, setSubNotice] = useState<string | null>(null);
  const storeSource = source.target.type === 'store-all' || source.target.type === 'store-stream';

  const [replacing, setReplacing] = useState<string | null>(null);
  const saveSubscription = async (replace = false) => {
    const name = replace ? replacing : subName;
    if (!name) return;
    try {
      await client.call('subscriptions/save', { connectionId: source.connectionId, name, code, maxAttempts: 3, replace });
      setSubNotice(`Saved subscription ${name}: open it under “subscriptions” to catch up.`);
      setBaseline(code);
      setSubName(null);
      setReplacing(null);
      onSubscriptionSaved(source.connectionId);
    } catch (e) {
      // A taken name is a question for the user, not an error.
      if (e instanceof ApiCallError && e.code === 'conflict' && !replace) return setReplacing(name);
      setReplacing(null);
      setInputError(e instanceof Error ? e.message : String(e));
    }
  };
  // The draft that made a run is kept with its job, so Open can bring it back after the tab closed.
  const draftNow = useRef({ code, baseline, source, range, typeFrom });
  draftNow.current = { code, baseline, source, range, typeFrom };
  const { running, runs, error, rebuild, attach, decide, cancel } = useRebuild((jobId) => keepRunDraft(jobId, title, draftNow.current));
  // Where the run failed, in the user's lines: a handler that threw, or an error that names a line.
  const errorAt = useMemo(() => {
    const text = running?.failure ? `${running.failure.stack}` : error instanceof Error ? error.message : null;
    const line = text ? /projection\.ts:(\d+):\d+/.exec(text)?.[1] : undefined;
    const message = running?.failure ? `${running.failure.name}: ${running.failure.message}` : error instanceof Error ? error.message : '';
    return line ? { line: Number(line), message } : null;
  }, [running?.failure, error]);
  const attached = useRef<string | null>(null);
  useEffect(() => {
    if (!attachJob || attached.current === attachJob) return;
    attached.current = attachJob;
    void attach(attachJob, initialDraft?.code ?? '');
  }, [attachJob, attach, initialDraft]);
  const latest = runs[0] ?? null;

  useEffect(() => {
    client.call('projections/examples', {}).then(
      (xs) => {
        setExamples(xs);
        const first = xs[0]?.source ?? '';
        setCode((c) => c || first);
        setBaseline((b) => b || first);
      },
      () => undefined,
    );
  }, [client]);

  /** `withType`: the type source the user just gave, which applies from this run on. */
  const run = (withType?: TypeSource) => {
    if (running) return;
    const r = rangeOf(range, source.target.type === 'kafka-topic');
    if ('error' in r) return setInputError(r.error);
    const { from, to } = r;
    setInputError(null);
    const types = withType ?? typeFrom;
    if (withType) setTypeFrom(withType);
    const label = `#${runs.length + 1} · ${source.label} from ${describeFrom(from)}${to ? ` to ${to}` : ''}${types ? `, type from ${types.kind === 'header' ? `header ${types.name}` : types.path}` : ''}`;
    void rebuild(code, { connectionId: source.connectionId, target: source.target, from, to }, label, limits, types);
  };

  // The command palette's "Rebuild the open projection": only the tab on screen answers.
  const root = useRef<HTMLDivElement>(null);
  const runLatest = useRef(run);
  runLatest.current = run;
  useEffect(() => {
    const onRebuild = () => root.current?.offsetParent && runLatest.current();
    window.addEventListener(REBUILD_EVENT, onRebuild);
    return () => window.removeEventListener(REBUILD_EVENT, onRebuild);
  }, []);

  const panels: { id: Panel; label: string }[] = useMemo(
    () => [
      { id: 'state', label: 'State' },
      { id: 'partitions', label: `Partitions${latest?.summary.partitioned ? ` (${formatCount(latest.summary.partitions)})` : ''}` },
      { id: 'travel', label: 'Time travel' },
      { id: 'diff', label: 'Diff' },
      { id: 'log', label: `Log${latest?.summary.logs.length ? ` (${latest.summary.logs.length})` : ''}` },
    ],
    [latest],
  );

  return (
    <div
      ref={root}
      className="projection"
      onKeyDown={(e) => {
        // Ctrl/Cmd+Enter rebuilds from anywhere in the tab; the editor handles its own first.
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.defaultPrevented) {
          e.preventDefault();
          run();
        }
      }}
    >
      <div className="toolbar">
        <label>
          Example
          <select
            className="input"
            aria-label="Example projection"
            value=""
            onChange={(e) => {
              const ex = examples.find((x) => x.name === e.target.value);
              if (ex) {
                setCode(ex.source);
                setBaseline(ex.source);
              }
            }}
          >
            <option value="">load an example…</option>
            {examples.map((x) => (
              <option key={x.name} value={x.name} title={x.description}>
                {x.name}
              </option>
            ))}
          </select>
        </label>
        <SourcePicker connections={connections} value={source} onChange={setSource} />
        <RangeInputs
          value={range}
          onChange={setRange}
          positionLabel={source.target.type === 'kafka-partition' || source.target.type === 'rabbit-stream' ? 'an offset' : 'a position'}
          wholeTopic={source.target.type === 'kafka-topic'}
        />
        <LimitsControl value={limits} onChange={setLimits} />
        <TypeSourceControl value={typeFrom} onChange={setTypeFrom} />
        {running ? (
          <button className="btn" onClick={cancel}>
            Cancel
          </button>
        ) : (
          <button className="btn primary" onClick={() => run()} title="Ctrl+Enter in the editor">
            Rebuild
          </button>
        )}
        {storeSource && subName === null && (
          <button className="btn" onClick={() => setSubName('')} title="Keep this projection over the store with a checkpoint; failing events are parked">
            Save as subscription…
          </button>
        )}
        {subName !== null && (
          <form className="save-sub" onSubmit={(e) => (e.preventDefault(), void saveSubscription())}>
            <input className="input mono" aria-label="Subscription name" placeholder="name" value={subName} autoFocus onChange={(e) => setSubName(e.target.value)} />
            <button className="btn primary" type="submit">
              Save
            </button>
            <button className="btn" type="button" onClick={() => setSubName(null)}>
              Cancel
            </button>
          </form>
        )}
        {latest && !running && (
          <SaveReadModel
            key={latest.summary.runId}
            runId={latest.summary.runId}
            disabledReason={latest.summary.stopped ? 'This run stopped early; rebuild to the end to save it' : latest.summary.processed === 0 ? 'This run read no events' : null}
            onOpen={onOpenReadModel}
          />
        )}
        <span className="spacer" />
        {running && <RunProgress running={running} />}
        {!running && latest && (
          <span className="muted" data-testid="run-summary">
            {formatCount(latest.summary.processed)} events · {latest.summary.firstPosition}–{latest.summary.lastPosition} · {Math.round(latest.summary.elapsedMs)} ms
            {latest.summary.skipped.length > 0 && ` · ${latest.summary.skipped.length} skipped`}
            {latest.summary.stopped && ' · stopped early'}
          </span>
        )}
      </div>
      {inputError && <div className="notice warn">{inputError}</div>}
      {!running && latest?.summary.ordering && (
        <div className="notice" data-testid="run-ordering">
          {latest.summary.ordering}
        </div>
      )}
      {!running && latest && <TypeNotice summary={latest.summary} onRebuildWith={(t) => run(t)} />}
      {!running && latest && <SkippedEvents summary={latest.summary} />}
      {subNotice && (
        <div className="notice" role="status">
          {subNotice}
        </div>
      )}
      {replacing && <ReplaceSubscriptionDialog name={replacing} onCancel={() => setReplacing(null)} onReplace={() => void saveSubscription(true)} />}
      <div className="projection-body">
        <CodeEditor value={code} onChange={setCode} onRun={() => run()} eventTypes={DEMO_TYPES} dark={dark} errorAt={errorAt} />
        <div className="results">
          {running?.failure && <HandlerErrorPanel failure={running.failure} onFix={() => void decide('retry', code)} onSkip={() => void decide('skip')} onStop={() => void decide('stop')} />}
          {error !== null && (
            <div className="section">
              <ErrorBox error={error} />
            </div>
          )}
          <div className="subtabs" role="tablist" aria-label="Results">
            {panels.map((p) => (
              <button key={p.id} role="tab" aria-selected={panel === p.id} onClick={() => setPanel(p.id)}>
                {p.label}
              </button>
            ))}
          </div>
          {!latest ? (
            <div className="empty">
              <div>
                <h3>No run yet</h3>
                <p>
                  Pick a source and press <strong>Rebuild</strong> (<kbd>Ctrl</kbd>+<kbd>Enter</kbd>). Events are read in a sandbox: no files, no network.
                </p>
              </div>
            </div>
          ) : (
            <div className="panel" key={latest.summary.runId}>
              {panel === 'state' && <StatePanel summary={latest.summary} />}
              {panel === 'partitions' && <PartitionsPanel summary={latest.summary} />}
              {panel === 'travel' && <TimeTravelPanel summary={latest.summary} />}
              {panel === 'diff' && <DiffPanel runs={runs} />}
              {panel === 'log' && (
                <div className="panel-scroll">
                  <pre className="code section">{latest.summary.logs.length ? latest.summary.logs.join('\n') : 'console.log() output from the projection shows here.'}</pre>
                </div>
              )}
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
