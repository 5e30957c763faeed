import { RewindError } from '../model/errors';
import { defaultStreamPort, streamTls, type BrokerProfile, type RabbitProfile } from '../model/connections';
import type { SecretStore } from './secret-store';

/** The addresses a password is sent to: it goes there and nowhere else. */
type Target = Pick<BrokerProfile, 'kind' | 'host' | 'port' | 'tls'> & Partial<Pick<RabbitProfile, 'managementPort' | 'streamPort' | 'streamWithoutTls'>>;

const tlsWord = (tls: boolean) => (tls ? 'TLS' : 'no TLS');

export function targetOf(p: Target): string {
  if (p.kind !== 'rabbitmq') return `${p.host}:${p.port} (${tlsWord(p.tls)})`;
  const stream = p.streamPort ?? defaultStreamPort(p.tls);
  const streamWords = p.tls && p.streamWithoutTls ? ' (without TLS)' : '';
  return `${p.host}:${p.port}, stream port ${stream}${streamWords} and management port ${p.managementPort} (${tlsWord(p.tls)})`;
}

/**
 * The target as Rewind wrote it before the stream port was part of it. Such a binding still
 * holds, but only where the stream port is the one Rewind used then (RabbitMQ's default).
 */
function legacyTargetOf(p: Target): string | null {
  if (p.kind !== 'rabbitmq') return null;
  const streamAsAmqp = streamTls({ tls: p.tls, streamWithoutTls: p.streamWithoutTls ?? false }) === p.tls;
  if ((p.streamPort ?? defaultStreamPort(p.tls)) !== defaultStreamPort(p.tls) || !streamAsAmqp) return null;
  return `${p.host}:${p.port} and management port ${p.managementPort} (${tlsWord(p.tls)})`;
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
  async get(profile: BrokerProfile): Promise<string | null> {
    const stored = parse(await this.secrets.get(profile.id));
    if (stored === null) return null;
    // Saved before binding existed, for whatever target the profile had then: the profile's own.
    if ('legacy' in stored) return stored.legacy;
    if (stored.for === targetOf(profile) || stored.for === legacyTargetOf(profile)) return stored.secret;
    // The profile changed outside Rewind's form (by hand, another program): say so, send nothing.
    throw moved(stored.for, targetOf(profile));
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
    throw moved(targetOf(saved), targetOf(draft));
  }
}
