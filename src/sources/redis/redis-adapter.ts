import { performance } from 'node:perf_hooks';
import { RewindError } from '../../model/errors';
import type { EnvelopeRule } from '../../model/envelope-mapping';
import type { ReadFrom, ReadTarget, Resource } from '../../model/resources';
import type { WireEvent } from '../../model/wire';
import type { ReadOptions, SourceAdapter } from '../source-adapter';
import type { RedisProfile } from './profile';
import { readState } from './queue-read';
import { catalogue, walkKeyspace, type Entry, type KeyspaceNames } from './redis-catalogue';
import { RedisConnection } from './redis-connection';
import { RedisDeadLetters } from './redis-dead-letters';
import { BullActions } from './bull-actions';
import type { RedisStreamAbility } from './stream-ability';
import { claimEntries, deadLetterPending, pendingEntries, planGroupPosition, setGroupPosition, streamGroups } from './stream-groups';
import { beforeId, followStream } from './stream-follow';
import { readStream, streamEvents } from './stream-read';
import type { StreamFollowAbility } from '../source-adapter';

/** A listing this fresh answers a read's "what is this name?" without counting again. */
const FRESH_MS = 5_000;
/** A walk that took this long is not made for every listing: its names serve, and are walked again behind it. */
const SLOW_WALK_MS = 1_000;
/** A slow walk's names older than this are walked again, behind the next listing. */
const REWALK_MS = 15_000;

/** A Redis server: its BullMQ (and Bull) queues, state by state, and its streams. */
export class RedisAdapter implements SourceAdapter {
  readonly follows = true;
  readonly seeksByTime = true;
  readonly deadLetters: RedisDeadLetters;
  readonly redisQueues: BullActions;
  private readonly connection: RedisConnection;
  private entries = new Map<string, Entry>();
  private names: (KeyspaceNames & { at: number; took: number }) | null = null;
  private walking: Promise<void> | null = null;
  private readonly closing = new AbortController();
  private listed = 0;
  private readonly rules: readonly EnvelopeRule[];

  constructor(
    private readonly profile: RedisProfile,
    private readonly password: string | null,
  ) {
    this.connection = new RedisConnection(profile, password);
    this.rules = profile.envelopeRules ?? [];
    this.redisQueues = new BullActions(this.connection, profile.prefix, () => this.rules);
    this.deadLetters = new RedisDeadLetters({ connection: this.connection, prefix: profile.prefix, rules: () => this.rules }, (name, signal) => this.resolve(name, signal));
  }

  async test(signal: AbortSignal) {
    const started = performance.now();
    // A fresh connection, so a changed password or address is really tried.
    const probe = new RedisConnection(this.profile, this.password);
    try {
      const info = await probe.run((redis) => redis.info());
      if (signal.aborted) throw new RewindError('cancelled', 'Cancelled');
      const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? null;
      const cluster = field('cluster_enabled') === '1';
      const details = [
        `role: ${field('role') ?? 'unknown'}`,
        cluster ? 'cluster mode: on (Rewind reads the node it is connected to)' : 'not a cluster',
        `database ${this.profile.database}, queue prefix "${this.profile.prefix}"`,
      ];
      return { ok: true as const, server: `Redis ${field('redis_version') ?? '(version not said)'}`, details, latencyMs: performance.now() - started };
    } finally {
      await probe.close();
    }
  }

  /**
   * Walks the keyspace for names each time, unless the last walk was slow (a production Redis
   * with millions of job keys takes seconds, paced): then the list comes at once from the last
   * walk's names, counted now, and a new walk runs behind it when that one is old.
   */
  async listResources(signal: AbortSignal): Promise<Resource[]> {
    if (!this.names || this.names.took < SLOW_WALK_MS) this.names = await this.walk(signal);
    else if (Date.now() - this.names.at > REWALK_MS && !this.walking) {
      this.walking = this.walk(this.closing.signal)
        .then((names) => void (this.names = names))
        .catch(() => undefined)
        .finally(() => (this.walking = null));
    }
    const { resources, entries } = await this.connection.run((redis) => catalogue(redis, this.profile.prefix, this.names!));
    this.entries = entries;
    this.listed = Date.now();
    return resources;
  }

  private async walk(signal: AbortSignal): Promise<KeyspaceNames & { at: number; took: number }> {
    const at = Date.now();
    const names = await this.connection.run((redis) => walkKeyspace(redis, this.profile.prefix, signal));
    return { ...names, at, took: Date.now() - at };
  }

  async read(options: ReadOptions) {
    const entry = await this.resolve(this.nameOf(options.target), options.signal);
    return this.connection.run((redis) => {
      if (entry.kind === 'stream') return readStream(redis, entry.key, options, this.rules);
      if (entry.kind === 'unknown-queue') throw unknownLayout(entry);
      return readState(redis, `${this.profile.prefix}:${entry.queue}`, this.nameOf(options.target), entry.state, options, this.rules);
    });
  }

  async *events(target: ReadTarget, from: ReadFrom, to: number | null, signal: AbortSignal, buffer = 500): AsyncGenerator<WireEvent[]> {
    const entry = await this.resolve(this.nameOf(target), signal);
    if (entry.kind !== 'stream') throw new RewindError('unsupported', "Projections read Redis streams; a queue's jobs are browsed, not projected");
    const redis = await this.connection.run(async (r) => r);
    try {
      yield* streamEvents(redis, entry.key, from, to, signal, buffer, this.rules);
    } catch (e) {
      throw this.connection.classify(e);
    }
  }

  /** A stream followed live: XREAD BLOCK from a position, the next entry, its first or last. */
  readonly streams: StreamFollowAbility = {
    follow: async (target, from, signal, onBatch) => {
      const entry = await this.resolve(this.nameOf(target), signal);
      if (entry.kind !== 'stream') throw new RewindError('unsupported', 'Only streams are followed; a queue state is read again to see what changed');
      const last = await this.connection.run(async (r) => ((await r.xrevrange(entry.key, '+', '-', 'COUNT', 1)) as [string, string[]][])[0]?.[0] ?? '0-0');
      const after =
        from.type === 'next'
          ? last
          : from.type === 'last'
            ? beforeId(last)
            : from.type === 'first' || from.type === 'start'
              ? '0-0'
              : beforeId(from.type === 'time' ? `${Date.parse(from.value)}-0` : from.value.includes('-') ? from.value : `${from.value}-0`);
      return followStream(this.connection.options(), entry.key, after, this.rules, signal, onBatch);
    },
  };

  readonly redisStreams: RedisStreamAbility = {
    groups: (stream) => this.connection.run((r) => streamGroups(r, stream)),
    pending: (stream, group, options, signal) => this.connection.run((r) => pendingEntries(r, stream, group, options, signal)),
    claim: (stream, group, consumer, ids, minIdleMs) => this.connection.run((r) => claimEntries(r, stream, group, consumer, ids, minIdleMs)),
    planPosition: (stream, group, target) => this.connection.run((r) => planGroupPosition(r, stream, group, target)),
    setPosition: (stream, group, id, expectFrom) =>
      this.connection.run(async (r) => {
        // The group moved since the preview (a consumer read on): the user decides again on what is there now.
        const now = (await streamGroups(r, stream)).groups.find((g) => g.name === group);
        if (!now) throw new RewindError('not_found', `Stream ${stream} has no group ${group}`, 'Reload the groups.');
        if (now.lastDeliveredId !== expectFrom)
          throw new RewindError('conflict', `Group ${group} moved to ${now.lastDeliveredId} since the preview (it was at ${expectFrom})`, 'Look at the preview again.');
        await setGroupPosition(r, stream, group, id);
        return { from: expectFrom, to: id };
      }),
    deadLetter: (stream, group, selection, reason, run) => this.connection.run((r) => deadLetterPending(r, stream, group, selection, reason, run)),
  };

  async close(): Promise<void> {
    this.closing.abort();
    await this.connection.close();
  }

  /** What a resource name stands for, listing again when it is not known or the listing is old. */
  async resolve(name: string, signal: AbortSignal): Promise<Entry> {
    if (!this.entries.has(name) || Date.now() - this.listed > FRESH_MS) await this.listResources(signal);
    // A name the last walk did not see (made since): walk again now rather than say it is not there.
    if (!this.entries.has(name) && this.names && Date.now() - this.names.at > 1_000) {
      this.names = await this.walk(signal);
      await this.listResources(signal);
    }
    const entry = this.entries.get(name);
    if (!entry) throw new RewindError('not_found', `${name} is not on this Redis server any more`, 'Reload the list.');
    return entry;
  }

  private nameOf(target: ReadTarget): string {
    if (target.type !== 'source') throw new RewindError('invalid_input', 'A Redis connection reads its own queues and streams');
    return target.resource;
  }
}

const unknownLayout = (entry: Extract<Entry, { kind: 'unknown-queue' }>) =>
  new RewindError('unsupported', `Queue ${entry.queue}: ${entry.why}`, 'Rewind does not guess at a layout it does not know: update Rewind, or read the keys with redis-cli.');
