import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** The integration tests need the real brokers (and kcat); the project's scripts start them idempotently. */
export default function setup(): void {
  const scripts = join(__dirname, '..', '..', 'scripts');
  execFileSync('bash', [join(scripts, 'kafka.sh'), 'start'], { stdio: 'inherit' });
  execFileSync('bash', [join(scripts, 'rabbitmq.sh'), 'start'], { stdio: 'inherit' });
  // Rewind's own redis-server on its own port: tests own its data; the machine's 6379 is untouched.
  execFileSync('bash', [join(scripts, 'redis.sh'), 'start'], { stdio: 'inherit' });
  // Fidelity tests write their Kafka input with kcat, never with Rewind's code.
  execFileSync('bash', [join(scripts, 'ensure-kcat.sh'), 'start'], { stdio: 'inherit' });
  // Spring Kafka and Kafka Connect write the Kafka dead letters (their jars, fetched once here).
  execFileSync('bash', [join(scripts, 'frameworks.sh'), 'fetch'], { stdio: 'inherit' });
  // Registry records and CloudEvents come from a real schema registry (Apicurio, built once) and
  // other people's serializers and SDKs (their jars, fetched once).
  execFileSync('bash', [join(scripts, 'registry.sh'), 'start'], { stdio: 'inherit' });
  execFileSync('bash', [join(scripts, 'frameworks.sh'), 'fetch', 'apicurio-serdes', 'cloudevents'], { stdio: 'inherit' });
}
