import { useState } from 'react';
import { Dialog } from '../ui/Dialog';
import { saveTracingTemplate, templateProblem, tracingTemplate } from './tracing-link';

/** Where a message's traceparent links to: the user's Jaeger, Tempo or any tracing UI, by a URL template. */
export function TracingLinkDialog({ onClose }: { onClose(): void }) {
  const [value, setValue] = useState(tracingTemplate() ?? '');
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog
      title="Tracing UI link"
      submitLabel="Save"
      submitting={false}
      onClose={onClose}
      onSubmit={(e) => {
        e.preventDefault();
        const problem = value.trim() === '' ? null : templateProblem(value);
        if (problem) return setError(problem);
        saveTracingTemplate(value);
        onClose();
      }}
    >
      <label className="field">
        <span>
          Link with {'{traceId}'} (and, if your UI takes it, {'{spanId}'})
        </span>
        <input className="input mono" aria-label="Tracing UI link" value={value} onChange={(e) => setValue(e.target.value)} placeholder="http://localhost:16686/trace/{traceId}" autoFocus />
      </label>
      <p className="muted">
        Jaeger: <code>http://localhost:16686/trace/{'{traceId}'}</code>. Grafana Tempo: your Explore URL with the trace id as <code>{'{traceId}'}</code>. A message with a W3C <code>traceparent</code>{' '}
        then shows <em>Open in tracing UI</em> beside it. Leave empty to show no link.
      </p>
      {error && (
        <div className="notice warn" role="alert">
          {error}
        </div>
      )}
    </Dialog>
  );
}
