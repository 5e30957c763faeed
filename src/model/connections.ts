import { z } from 'zod';
import { SourceKind } from './envelope';
import { SourceLook } from './source-look';
import { EnvelopeRules } from './envelope-mapping';

export const LOCAL_STORE_ID = 'local';

const HOST_HINT = 'Enter a host name or IP address such as 127.0.0.1, without a scheme or port.';

/** Rejects what people paste by mistake (URLs, host:port) with a message that says what to type. */
export const Host = z
  .string()
  .trim()
  .min(1, { message: 'Host is required. ' + HOST_HINT })
  .max(253)
  .refine((h) => !h.includes('://'), { message: 'That looks like a URL. ' + HOST_HINT })
  .refine((h) => !/\s/.test(h), { message: 'Host cannot contain spaces. ' + HOST_HINT })
  .refine((h) => h.startsWith('[') || !h.includes(':') || h.split(':').length > 2, {
    message: 'Put the port in the Port field. ' + HOST_HINT,
  })
  .refine((h) => /^[A-Za-z0-9.\-_[\]:]+$/.test(h), { message: 'Host has characters a host name cannot have. ' + HOST_HINT });

export const Port = z.coerce
  .number({ message: 'Port must be a number from 1 to 65535.' })
  .int({ message: 'Port must be a whole number from 1 to 65535.' })
  .min(1, { message: 'Port must be from 1 to 65535.' })
  .max(65535, { message: 'Port must be from 1 to 65535.' });

/** The fields every network source's profile has. */
export const NetworkProfileFields = {
  id: z.string().min(1).max(100),
  name: z.string().trim().min(1, { message: 'Give the connection a name.' }).max(100),
  host: Host,
  port: Port,
  tls: z.boolean(),
  username: z.string().max(256),
  /** Whether a secret is stored; the secret itself never leaves the back end. */
  hasPassword: z.boolean(),
  /** The connection's own envelope rules, which win over the built-in ones. */
  envelopeRules: EnvelopeRules.optional(),
};

/**
 * What a form adds to a profile. `password` undefined keeps the stored one; an empty string clears
 * it. `id` is absent for a new connection.
 */
export const DraftFields = { id: NetworkProfileFields.id.optional(), password: z.string().max(4096).optional() };

/** Every connection the UI lists: saved broker profiles plus the bundled store. */
export const ConnectionSummary = z.object({
  id: z.string(),
  /** A built-in kind, or one a registered source brings. */
  kind: SourceKind,
  name: z.string(),
  /** host:port for brokers, the file path for the store. */
  address: z.string(),
  removable: z.boolean(),
  /** How a registered source's records and resources are worded (built-in kinds carry none). */
  look: SourceLook.optional(),
});
export type ConnectionSummary = z.infer<typeof ConnectionSummary>;
