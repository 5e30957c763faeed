import { useState } from 'react';
import { useClient } from '../api/client-context';
import { Dialog } from '../ui/Dialog';
import { ErrorBox } from '../ui/ErrorBox';

interface Props {
  connectionId: string;
  connectionName: string;
  onClose(): void;
  onCreated(topic: string): void;
}

/** Configs as `name=value` lines, as in a properties file. */
function parseConfigs(text: string): Record<string, string> | { error: string } {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf('=');
    if (i <= 0) return { error: `"${line}" is not name=value` };
    out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

export function CreateTopicDialog({ connectionId, connectionName, onClose, onCreated }: Props) {
  const client = useClient();
  const [name, setName] = useState('');
  const [partitions, setPartitions] = useState('3');
  const [replication, setReplication] = useState('1');
  const [configs, setConfigs] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <Dialog
      title={`New topic on ${connectionName}`}
      onClose={onClose}
      submitLabel="Create topic"
      submitting={busy}
      onSubmit={(e) => {
        e.preventDefault();
        const parsed = parseConfigs(configs);
        if ('error' in parsed) return setError(new Error(parsed.error));
        setBusy(true);
        setError(null);
        client.call('topics/create', { connectionId, topic: name.trim(), partitions: Number(partitions), replicationFactor: Number(replication), configs: parsed }).then(
          () => onCreated(name.trim()),
          (err: unknown) => {
            setError(err);
            setBusy(false);
          },
        );
      }}
    >
      <label className="field">
        <span>Name</span>
        <input className="input mono" aria-label="Topic name" value={name} onChange={(e) => setName(e.target.value)} autoFocus />
      </label>
      <div className="row2b">
        <label className="field">
          <span>Partitions</span>
          <input className="input" aria-label="Partitions" inputMode="numeric" value={partitions} onChange={(e) => setPartitions(e.target.value)} />
        </label>
        <label className="field">
          <span>Replication factor</span>
          <input className="input" aria-label="Replication factor" inputMode="numeric" value={replication} onChange={(e) => setReplication(e.target.value)} />
        </label>
      </div>
      <label className="field">
        <span>Configs (name=value, one a line)</span>
        <textarea
          className="input mono"
          style={{ height: 80, padding: 6 }}
          aria-label="Configs"
          placeholder={'cleanup.policy=compact\nretention.ms=604800000'}
          value={configs}
          onChange={(e) => setConfigs(e.target.value)}
        />
      </label>
      {error !== null && <ErrorBox error={error} />}
    </Dialog>
  );
}
