import { RewindError } from '../model/errors';
import type { ConnectionProfile } from '../sources/profiles';
import { describe } from '../sources/descriptors';
import type { SecretStore } from './secret-store';

/** The addresses a password is sent to, as its kind's module writes them: it goes there and nowhere else. */
const targetOf = (p: ConnectionProfile) => describe(p.kind).secretTarget(p);

interface Stored {
  for: string;
  secret: string;
}

function parse(raw: string | null): Stored | { legacy: string } | null {
  if (raw === null) return null;
  try {
    const v = JSON.parse(raw) as Partial<Stored>;
    if (v && typeof v.for === 'string' && typeof v.secret === 'string') return { for: v.for, secret: v.secret };
  } catch {
    /* a value from before secrets were bound */
  }
  return { legacy: raw };
}

const extraKey = (id: string) => `${id}#extra`;

const moved = (from: string, to: string) =>
  new RewindError('invalid_input', `The password was saved for ${from}: type it again to send it to ${to}.`, 'Rewind sends a saved password only to the address it was saved for.');

/**
 * Secrets bound to the target they were saved for. A profile whose host, port, TLS, RabbitMQ
 * management or stream port changed gets no secret: the user types it again for the new
 * address, so a stored password is never sent somewhere the user did not send it.
 */
export class BoundSecrets {
  constructor(private readonly secrets: SecretStore) {}

  /** The secret saved for this profile's target, null when none is saved; refused when it was saved for another target. */
  async get(profile: ConnectionProfile): Promise<string | null> {
    const stored = parse(await this.secrets.get(profile.id));
    if (stored === null) return null;
    // Saved before binding existed, for whatever target the profile had then: the profile's own.
    if ('legacy' in stored) return stored.legacy;
    const target = targetOf(profile);
    if (stored.for === target.current || stored.for === target.legacy) return stored.secret;
    // The profile changed outside Rewind's form (by hand, another program): say so, send nothing.
    throw moved(stored.for, target.current);
  }

  async set(profile: ConnectionProfile, secret: string): Promise<void> {
    await this.secrets.set(profile.id, JSON.stringify({ for: targetOf(profile).current, secret } satisfies Stored));
  }

  async delete(id: string): Promise<void> {
    await this.secrets.delete(id);
  }

  /** Both secrets, when the connection goes. */
  async deleteAll(id: string): Promise<void> {
    await this.secrets.delete(id);
    await this.secrets.delete(extraKey(id));
  }

  /** A profile's second secret (a schema registry's password), bound to its own target. */
  async getExtra(id: string, target: string): Promise<string | null> {
    const stored = parse(await this.secrets.get(extraKey(id)));
    if (stored === null || 'legacy' in stored) return null;
    if (stored.for === target) return stored.secret;
    throw moved(stored.for, target);
  }

  async setExtra(id: string, target: string, secret: string): Promise<void> {
    await this.secrets.set(extraKey(id), JSON.stringify({ for: target, secret } satisfies Stored));
  }

  async deleteExtra(id: string): Promise<void> {
    await this.secrets.delete(extraKey(id));
  }

  /** Refuses to reuse `saved`'s secret for a draft that points somewhere else. */
  static mustKeepTarget(saved: ConnectionProfile, draft: ConnectionProfile): void {
    const [from, to] = [targetOf(saved).current, targetOf(draft).current];
    if (from !== to) throw moved(from, to);
  }
}
