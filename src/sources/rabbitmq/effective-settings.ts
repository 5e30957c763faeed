/**
 * Which of a queue's effective settings come from its arguments and which from a policy.
 *
 * RabbitMQ resolves each setting per queue type when both say something (v3.10.8):
 * - classic, deps/rabbit/src/rabbit_amqqueue_process.erl process_args_policy: the lower of the
 *   two for expires, message-ttl, max-length, max-length-bytes; the argument for dead-letter-*,
 *   overflow, queue-mode, queue-version;
 * - quorum, deps/rabbit/src/rabbit_quorum_queue.erl: the lower for max-length(-bytes),
 *   delivery-limit, message-ttl; the policy for overflow and expires; the argument for dead-letter-*;
 * - stream, deps/rabbit/src/rabbit_stream_queue.erl: the policy for max-length-bytes, max-age and
 *   the segment size.
 * The management API's `effective_policy_definition` is the policy and the operator policy merged.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type SettingSource = 'argument' | 'policy' | 'operator-policy';

export interface EffectiveSetting {
  /** The policy key (`dead-letter-exchange`); the argument is the same with `x-` in front. */
  key: string;
  value: JsonValue;
  source: SettingSource;
  /** Both were set: what the argument and the policy said, and the rule that picked one. */
  overridden?: { argument: JsonValue; policy: JsonValue; rule: 'lower wins' | 'argument wins' | 'policy wins' };
}

type Rule = 'min' | 'argument' | 'policy';

const RULES: Record<string, Record<string, Rule>> = {
  classic: {
    expires: 'min',
    'message-ttl': 'min',
    'max-length': 'min',
    'max-length-bytes': 'min',
    'dead-letter-exchange': 'argument',
    'dead-letter-routing-key': 'argument',
    overflow: 'argument',
    'queue-mode': 'argument',
    'queue-version': 'argument',
  },
  quorum: {
    'max-length': 'min',
    'max-length-bytes': 'min',
    'delivery-limit': 'min',
    'message-ttl': 'min',
    overflow: 'policy',
    expires: 'policy',
    'dead-letter-exchange': 'argument',
    'dead-letter-routing-key': 'argument',
    'dead-letter-strategy': 'argument',
  },
  stream: {
    'max-length-bytes': 'policy',
    'max-age': 'policy',
    'stream-max-segment-size-bytes': 'policy',
  },
};

/** A value read from the management API's JSON, typed as JSON again. */
export function toJson(value: unknown): JsonValue {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

export function queueKind(type: string | undefined): 'classic' | 'quorum' | 'stream' {
  return type === 'quorum' || type === 'stream' ? type : 'classic';
}

export function effectiveSettings(
  type: string | undefined,
  args: Record<string, unknown>,
  effectivePolicy: Record<string, unknown>,
  operatorPolicy: Record<string, unknown> | null,
): EffectiveSetting[] {
  const rules = RULES[queueKind(type)] ?? {};
  const out: EffectiveSetting[] = [];
  const policySource = (key: string, value: unknown): SettingSource =>
    operatorPolicy && Object.prototype.hasOwnProperty.call(operatorPolicy, key) && JSON.stringify(operatorPolicy[key]) === JSON.stringify(value) ? 'operator-policy' : 'policy';
  const keys = new Set([...Object.keys(rules), ...Object.keys(effectivePolicy), ...Object.keys(args).map((k) => (k.startsWith('x-') ? k.slice(2) : k))]);
  for (const key of [...keys].sort()) {
    const argName = `x-${key}`;
    const hasArg = Object.prototype.hasOwnProperty.call(args, argName);
    const hasPolicy = Object.prototype.hasOwnProperty.call(effectivePolicy, key);
    // A policy key this queue type does not read (a classic queue's delivery-limit) has no effect.
    const rule = rules[key];
    if (hasPolicy && !rule && !hasArg) {
      if (key in (RULES.classic ?? {}) || key in (RULES.quorum ?? {}) || key in (RULES.stream ?? {})) continue;
      // Keys outside queue settings (ha-mode, federation-upstream…) are still the policy's effect.
      out.push({ key, value: toJson(effectivePolicy[key]), source: policySource(key, effectivePolicy[key]) });
      continue;
    }
    if (hasArg && !(hasPolicy && rule)) {
      out.push({ key, value: toJson(args[argName]), source: 'argument' });
      continue;
    }
    if (!hasArg && hasPolicy) {
      out.push({ key, value: toJson(effectivePolicy[key]), source: policySource(key, effectivePolicy[key]) });
      continue;
    }
    if (!hasArg || !hasPolicy || !rule) continue;
    const a = args[argName];
    const p = effectivePolicy[key];
    let fromPolicy: boolean;
    if (rule === 'min') fromPolicy = typeof a === 'number' && typeof p === 'number' ? p < a : false;
    else fromPolicy = rule === 'policy';
    const value = fromPolicy ? p : a;
    out.push({
      key,
      value: toJson(value),
      source: fromPolicy ? policySource(key, p) : 'argument',
      overridden: { argument: toJson(a), policy: toJson(p), rule: rule === 'min' ? 'lower wins' : rule === 'argument' ? 'argument wins' : 'policy wins' },
    });
  }
  return out;
}

/** The effective value of one setting, or undefined. */
export function settingOf(settings: EffectiveSetting[], key: string): EffectiveSetting | undefined {
  return settings.find((s) => s.key === key);
}
