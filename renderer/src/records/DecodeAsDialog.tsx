import { useEffect, useState } from 'react';
import { useClient } from '../api/client-context';
import type { DecoderChoice, ResourceDecoding } from '../api/types';
import { Dialog } from '../ui/Dialog';
import { ErrorBox } from '../ui/ErrorBox';

const CHOICES: [DecoderChoice, string][] = [
  ['auto', 'Automatic (the decoder chain)'],
  ['proto-files', 'Protobuf with .proto files'],
  ['avro-file', 'Avro with an .avsc file'],
  ['json', 'JSON'],
  ['msgpack', 'MessagePack'],
  ['cbor', 'CBOR'],
  ['protobuf-raw', 'Protobuf without a schema (field numbers)'],
  ['text', 'Text (UTF-8)'],
];

interface Props {
  connectionId: string;
  /** The topic, or `vhost/queue`, the choice is kept for. */
  resource: string;
  onClose(): void;
  onSaved(): void;
}

/** How one topic or queue is decoded: the automatic chain, a mapping to schema files, or one decoder forced. */
export function DecodeAsDialog({ connectionId, resource, onClose, onSaved }: Props) {
  const client = useClient();
  const [choice, setChoice] = useState<DecoderChoice>('auto');
  const [folder, setFolder] = useState('');
  const [types, setTypes] = useState<string[] | null>(null);
  const [messageType, setMessageType] = useState('');
  const [file, setFile] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    client.call('decoding/get', { connectionId, resource }).then((d) => {
      setChoice(d.decoder);
      if (d.decoder === 'proto-files') {
        setFolder(d.folder);
        setMessageType(d.messageType);
        setTypes([d.messageType]);
        // The folder's other types, to pick another without loading it again by hand.
        client.call('decoding/proto-folder', { folder: d.folder }).then(
          (found) => setTypes(found.messageTypes),
          () => undefined,
        );
      }
      if (d.decoder === 'avro-file') setFile(d.file);
    }, setError);
  }, [client, connectionId, resource]);

  const loadTypes = async () => {
    setError(null);
    setTypes(null);
    try {
      const found = await client.call('decoding/proto-folder', { folder: folder.trim() });
      setTypes(found.messageTypes);
      setMessageType((t) => (found.messageTypes.includes(t) ? t : ''));
    } catch (e) {
      setError(e);
    }
  };

  const chosen = (): ResourceDecoding => {
    if (choice === 'proto-files') return { decoder: choice, folder: folder.trim(), messageType };
    if (choice === 'avro-file') return { decoder: choice, file: file.trim() };
    return { decoder: choice };
  };

  return (
    <Dialog
      title={`Decode ${resource}`}
      onClose={onClose}
      submitLabel={busy ? 'Saving…' : 'Save'}
      submitting={busy || (choice === 'proto-files' && !messageType) || (choice === 'avro-file' && !file.trim())}
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        client.call('decoding/set', { connectionId, resource, choice: chosen() }).then(
          () => {
            setBusy(false);
            onSaved();
          },
          (err: unknown) => {
            setBusy(false);
            setError(err);
          },
        );
      }}
    >
      <label className="field">
        <span>Decode values as</span>
        <select className="input" value={choice} onChange={(e) => setChoice(e.target.value as DecoderChoice)}>
          {CHOICES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {choice === 'proto-files' && (
        <>
          <div className="row2">
            <label className="field">
              <span>Folder of .proto files</span>
              <input className="input mono" value={folder} spellCheck={false} placeholder="/home/me/schemas" onChange={(e) => setFolder(e.target.value)} />
            </label>
            <button type="button" className="btn align-end" disabled={!folder.trim()} onClick={() => void loadTypes()}>
              Load types
            </button>
          </div>
          {types && (
            <label className="field">
              <span>Message type</span>
              <select className="input mono" value={messageType} onChange={(e) => setMessageType(e.target.value)}>
                {!messageType && <option value="">Pick the type of this topic's values…</option>}
                {types.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </label>
          )}
        </>
      )}
      {choice === 'avro-file' && (
        <label className="field">
          <span>Avro schema file (.avsc)</span>
          <input className="input mono" value={file} spellCheck={false} placeholder="/home/me/schemas/payment.avsc" onChange={(e) => setFile(e.target.value)} />
        </label>
      )}
      <p className="field-note">
        {choice === 'auto'
          ? 'In this order: schema registry (magic byte 0, Apicurio headers), this mapping, content type, gzip, JSON, Avro container file, MessagePack, CBOR, text, Protobuf without a schema, bytes.'
          : choice === 'proto-files' || choice === 'avro-file'
            ? 'Values a schema registry framed are still read through the registry; this mapping reads the others.'
            : 'Every value is read with this decoder; one that is not its kind is shown raw with the reason.'}{' '}
        Saved with this connection. Copy and Save always give the bytes.
      </p>
      {error !== null && <ErrorBox error={error} />}
    </Dialog>
  );
}
