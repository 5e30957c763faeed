import { Dialog } from '../ui/Dialog';

/** Asked when a projection is saved as a subscription under a name already taken. */
export function ReplaceSubscriptionDialog({ name, onCancel, onReplace }: { name: string; onCancel(): void; onReplace(): void }) {
  return (
    <Dialog title={`Replace the code of ${name}?`} onClose={onCancel} onSubmit={(e) => (e.preventDefault(), onReplace())} submitLabel="Replace code" submitting={false}>
      <p>
        A subscription named <strong className="mono">{name}</strong> already exists. Replacing its code keeps its checkpoint, its state and its parked events; the next catch-up runs the new code from
        the checkpoint.
      </p>
    </Dialog>
  );
}
