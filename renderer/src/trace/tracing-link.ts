import { traceIdOf } from '../../../src/model/trace';

const KEY = 'rewind.tracing-link';

/** The user's tracing UI, as a URL with {traceId} (and optionally {spanId}) in it: Jaeger's /trace/{traceId}, Tempo's explore URL. */
export function tracingTemplate(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** Why a template cannot be used, or null when it can. */
export function templateProblem(template: string): string | null {
  if (!/^https?:\/\//i.test(template.trim())) return 'The link starts with http:// or https://.';
  if (!template.includes('{traceId}')) return 'The link needs {traceId} where the trace id goes, such as http://localhost:16686/trace/{traceId}.';
  return null;
}

export function saveTracingTemplate(template: string | null): void {
  try {
    if (template === null || template.trim() === '') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, template.trim());
  } catch {
    /* storage refused (a private window): the link lasts until reload only through the caller's state */
  }
}

/** The tracing UI's page for a traceparent, or null (no template, or not a W3C traceparent). */
export function tracingUrl(traceparent: string | null | undefined, template = tracingTemplate()): string | null {
  const traceId = traceIdOf(traceparent);
  if (!template || !traceId || templateProblem(template)) return null;
  const spanId = (traceparent ?? '').trim().toLowerCase().split('-')[2] ?? '';
  return template.replaceAll('{traceId}', encodeURIComponent(traceId)).replaceAll('{spanId}', encodeURIComponent(spanId));
}
