import { RewindError } from '../api/errors';
import type { BrokerProfile } from '../model/connections';
import type { SecretStore } from './secret-store';

/** The address a password is sent to: it goes there and nowhere else. */
type Target = Pick<BrokerProfile, 'kind' | 'host' | 'port' | 'tls'> & { managementPort?: number };

export function targetOf(p: Target): string {
  const tls = p.tls ? 'TLS' : 'no TLS';
  return p.kind === 'rabbitmq' ? `${p.host}:${p.port} and management port ${p.managementPort} (${tls})` : `${p.host}:${p.port} (${tls})`;
}

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

/**
 * Secrets bound to the target they were saved for. A profile whose host, port, TLS (or RabbitMQ
 * management port) changed gets no secret: the user types it again for the new address, so a
 * stored password is never sent somewhere the user did not send it.
 */
export class BoundSecrets {
  constructor(private readonly secrets: SecretStore) {}

  /** The secret saved for this profile's target, or null. */
  async get(profile: BrokerProfile): Promise<string | null> {
    const stored = parse(await this.secrets.get(profile.id));
    if (stored === null) return null;
    // Saved before binding existed, for whatever target the profile had then: the profile's own.
    if ('legacy' in stored) return stored.legacy;
    return stored.for === targetOf(profile) ? stored.secret : null;
  }

  async set(profile: BrokerProfile, secret: string): Promise<void> {
    await this.secrets.set(profile.id, JSON.stringify({ for: targetOf(profile), secret } satisfies Stored));
  }

  async delete(id: string): Promise<void> {
    await this.secrets.delete(id);
  }

  /** Refuses to reuse `saved`'s secret for a draft that points somewhere else. */
  static mustKeepTarget(saved: BrokerProfile, draft: Target): void {
    if (targetOf(saved) === targetOf(draft)) return;
    throw new RewindError(
      'invalid_input',
      `The password was saved for ${targetOf(saved)}: type it again to send it to ${targetOf(draft)}.`,
      'Rewind sends a saved password only to the address it was saved for.',
    );
  }
}
