import type { ConnectionDraft, ConnectionProfile } from './profiles';
import type { SourceLook } from '../model/source-look';
import type { SourceAdapter } from './source-adapter';

/**
 * What the core needs to know about one kind of source to keep its connections: how a form's
 * draft becomes a profile, where a saved password may be sent, and how an adapter is opened.
 * One per folder under src/sources; the registry collects them. Methods (not function fields) so
 * a module for one kind of profile stands in for the union.
 */
export interface SourceModule<P extends ConnectionProfile = ConnectionProfile> {
  readonly kind: P['kind'];
  /** The profile a saved draft becomes: only what its settings use is kept. */
  profileFromDraft(draft: Extract<ConnectionDraft, { kind: P['kind'] }>, id: string, hasPassword: boolean): P;
  /** Whether connecting with these settings sends a password at all. */
  usesPassword(profile: P): boolean;
  /** How the connection list shows where it points: host:port, a file path. */
  address(profile: P): string;
  /** Refuses a draft that cannot be saved or tested as it is (a store file that is not there). */
  checkDraft?(draft: Extract<ConnectionDraft, { kind: P['kind'] }>, mode: 'save' | 'test'): void;
  /** A profile as an older Rewind saved it, brought up to date before it is validated. */
  upgrade?(raw: Record<string, unknown>): Record<string, unknown>;
  /** A second secret the profile may use (Kafka: its schema registry's password), bound to its own address. */
  readonly extraSecret?: ExtraSecret<P>;
  open(profile: P, password: string | null, extraSecret?: string | null): SourceAdapter;
}

export interface ExtraSecret<P extends ConnectionProfile> {
  /** In words, as a refusal names it ("the schema registry's password"). */
  readonly label: string;
  /** Where it is sent; null when the profile sends none. */
  target(profile: P): string | null;
  /** What the form typed: undefined keeps the stored one, '' clears it. */
  typed(draft: Extract<ConnectionDraft, { kind: P['kind'] }>): string | undefined;
  stored(profile: P): boolean;
  /** The profile, saying whether one is stored. */
  withStored(profile: P, stored: boolean): P;
}

/**
 * A source registered at run time (a test's in-memory source; later, sources outside the built-in
 * three): it brings its own connections and look, and its resources are of type 'source'.
 */
export interface RegisteredSource {
  readonly look: SourceLook;
  /** The connections it offers, listed after the bundled store; they are not saved or removed by the user. */
  connections(): { id: string; name: string; address: string }[];
  open(connectionId: string): SourceAdapter;
}
