import { z } from 'zod';
import { ConnectionDraft, ConnectionProfile, ConnectionSummary } from '../model/connections';
import { Envelope } from '../model/envelope';
import { Capabilities, ReadFrom, ReadTarget, Resource } from '../model/resources';

/**
 * The one API of Rewind. IPC handlers, the preload allowlist, the web shell and the renderer
 * client are all derived from this object, so a method exists everywhere or nowhere.
 *
 * - `call`: one request, one response.
 * - `stream`: a cancellable operation that sends progress and batches of items, then one result.
 */
interface CallSpec<P extends z.ZodType, R extends z.ZodType> {
  kind: 'call';
  params: P;
  result: R;
}
interface StreamSpec<P extends z.ZodType, I extends z.ZodType, R extends z.ZodType> {
  kind: 'stream';
  params: P;
  item: I;
  result: R;
}
const call = <P extends z.ZodType, R extends z.ZodType>(params: P, result: R): CallSpec<P, R> => ({
  kind: 'call',
  params,
  result,
});
const stream = <P extends z.ZodType, I extends z.ZodType, R extends z.ZodType>(
  params: P,
  item: I,
  result: R,
): StreamSpec<P, I, R> => ({ kind: 'stream', params, item, result });

const Empty = z.object({});
const ConnectionRef = z.object({ connectionId: z.string().min(1) });

export const AppInfo = z.object({
  version: z.string(),
  shell: z.enum(['electron', 'web']),
  /** Where passwords live: the OS keychain (Electron safeStorage) or a 0600 file (web shell). */
  secretStorage: z.enum(['os', 'file']),
  secretFile: z.string().nullable(),
  dataDir: z.string(),
});

export const TestResult = z.object({
  ok: z.literal(true),
  /** e.g. "RabbitMQ 3.10.8" or "Kafka, 1 broker". */
  server: z.string(),
  details: z.array(z.string()),
  latencyMs: z.number(),
});

/** Test a saved connection (by id) or the form as typed, before or without saving. */
export const TestRequest = z.union([
  z.object({ connectionId: z.string().min(1) }),
  z.object({ draft: ConnectionDraft }),
]);

export const ConnectionStatus = z.object({
  connectionId: z.string(),
  reachable: z.boolean(),
  server: z.string().nullable(),
  error: z.string().nullable(),
  checkedAt: z.string(),
});

export const ResourceList = z.object({
  capabilities: Capabilities,
  resources: z.array(Resource),
});

export const ReadRequest = ConnectionRef.extend({
  target: ReadTarget,
  from: ReadFrom,
  /** Stop after this many items; a read never holds more than this in memory. */
  limit: z.number().int().min(1).max(100_000),
});

export const ReadProgress = z.object({
  done: z.number().int().nonnegative(),
  /** Expected total when known; `exact` false marks an estimate. */
  total: z.number().int().nonnegative().nullable(),
  exact: z.boolean(),
});

export const ReadSummary = z.object({
  count: z.number().int().nonnegative(),
  /** Position to continue from, or null when the end was reached. */
  next: z.string().nullable(),
  /** The end of the resource when the read began (high watermark, last position). */
  end: z.string().nullable(),
});

export const contract = {
  'app/info': call(Empty, AppInfo),
  'connections/list': call(Empty, z.array(ConnectionSummary)),
  'connections/get': call(ConnectionRef, ConnectionProfile),
  'connections/save': call(ConnectionDraft, ConnectionProfile),
  'connections/delete': call(ConnectionRef, Empty),
  'connections/test': call(TestRequest, TestResult),
  'connections/status': call(ConnectionRef, ConnectionStatus),
  'resources/list': call(ConnectionRef, ResourceList),
  'records/read': stream(ReadRequest, Envelope, ReadSummary),
} as const;

export type Contract = typeof contract;
export type Method = keyof Contract;
export type CallMethod = { [M in Method]: Contract[M]['kind'] extends 'call' ? M : never }[Method];
export type StreamMethod = { [M in Method]: Contract[M]['kind'] extends 'stream' ? M : never }[Method];

export type ParamsOf<M extends Method> = z.input<Contract[M]['params']>;
export type ParsedParamsOf<M extends Method> = z.output<Contract[M]['params']>;
export type ResultOf<M extends Method> = z.output<Contract[M]['result']>;
export type ItemOf<M extends StreamMethod> = Contract[M] extends StreamSpec<z.ZodType, infer I, z.ZodType>
  ? z.output<I>
  : never;

export const methodNames = Object.keys(contract) as Method[];

export function isMethod(name: string): name is Method {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

export type Progress = z.infer<typeof ReadProgress>;
export { ReadProgress as Progress };
