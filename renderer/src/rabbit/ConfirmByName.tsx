import { useState } from 'react';
import { Dialog } from '../ui/Dialog';
import { ErrorBox } from '../ui/ErrorBox';

interface Props {
  title: string;
  /** What the action does, said before anything happens. */
  children: React.ReactNode;
  name: string;
  /** What the name is ("queue", "exchange"): the field's label. */
  noun: string;
  submitLabel: string;
  onConfirm(typed: string): Promise<void>;
  onClose(): void;
}

/** An action that cannot be undone: the resource's name typed again is the confirmation. */
export function ConfirmByName({ title, children, name, noun, submitLabel, onConfirm, onClose }: Props) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <Dialog
      title={title}
      onClose={onClose}
      submitLabel={busy ? `${submitLabel}…` : submitLabel}
      submitting={busy || typed !== name}
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        onConfirm(typed).then(onClose, (err: unknown) => {
          setError(err);
          setBusy(false);
        });
      }}
    >
      {children}
      <label className="field">
        <span>
          Type <strong className="mono">{name}</strong> to confirm
        </span>
        <input className="input mono" aria-label={`${noun[0]!.toUpperCase()}${noun.slice(1)} name to confirm`} value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus />
      </label>
      {error !== null && <ErrorBox error={error} />}
    </Dialog>
  );
}
