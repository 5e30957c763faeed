import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Kafka's own command-line tools, from the jars the test setup fetched: the oracles for lag and offsets. */
const LIBS = join(process.env.REWIND_CACHE ?? join(homedir(), '.cache', 'rewind'), 'kafka-3.9.1', 'libs');
const BOOTSTRAP = `127.0.0.1:${Number(process.env.REWIND_KAFKA_PORT ?? 19092)}`;

export interface DescribedPartition {
  topic: string;
  partition: number;
  current: string | null;
  logEnd: string;
  lag: number | null;
}

/** `kafka-consumer-groups.sh --describe --group G`, parsed. */
export function consumerGroupDescribe(group: string): DescribedPartition[] {
  const out = spawnSync(
    'java',
    ['-cp', `${LIBS}/*`, '-Dlog4j.configuration=file:/dev/null', 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', '--bootstrap-server', BOOTSTRAP, '--describe', '--group', group],
    { encoding: 'utf8' },
  );
  if (out.status !== 0) throw new Error(`ConsumerGroupCommand failed: ${out.stderr}`);
  return out.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((cols) => cols[0] === group && /^\d+$/.test(cols[2] ?? ''))
    .map((cols) => ({ topic: cols[1]!, partition: Number(cols[2]), current: cols[3] === '-' ? null : cols[3]!, logEnd: cols[4]!, lag: cols[5] === '-' ? null : Number(cols[5]) }))
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

export function consumerGroupList(): string[] {
  const out = spawnSync('java', ['-cp', `${LIBS}/*`, '-Dlog4j.configuration=file:/dev/null', 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', '--bootstrap-server', BOOTSTRAP, '--list'], {
    encoding: 'utf8',
  });
  return out.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .sort();
}
