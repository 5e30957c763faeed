import type { z } from 'zod';
import type { AppInfo, ConnectionStatus, Contract, QueryResult, ReadModelInfo, ResourceList, TestResult } from '../../../src/api/contract';

export type { ConnectionSummary } from '../../../src/model/connections';
export type { ConnectionDraft, ConnectionProfile } from '../../../src/sources/profiles';
export type { Envelope, Header } from '../../../src/model/envelope';
export type { Payload } from '../../../src/model/payload';
export type { ResourceDecoding, DecoderChoice } from '../../../src/model/decoder-settings';
export type { Resource, ReadTarget, ReadFrom, ReadStart, ProjectionTarget, ProjectionFrom } from '../../../src/model/resources';
export type { DeadLetter, DeadLetterSource } from '../../../src/model/dead-letters';
export type AppInfo = z.infer<typeof AppInfo>;
export type TestResult = z.infer<typeof TestResult>;
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;
export type ResourceList = z.infer<typeof ResourceList>;
export type ReadModelInfo = z.infer<typeof ReadModelInfo>;
export type QueryResult = z.infer<typeof QueryResult>;
/** What a method of the contract returns. */
type ResultOf<M extends keyof Contract> = z.infer<Contract[M]['result']>;
export type StreamGroup = ResultOf<'redis/stream-groups'>['groups'][number];
export type PendingEntry = ResultOf<'redis/pending'>['entries'][number];
export type DeadLetterMove = ResultOf<'redis/dead-letter'>;
export type GroupPositionPlan = ResultOf<'redis/plan-group-position'>;
export type QueueInfo = ResultOf<'redis/queue'>;
