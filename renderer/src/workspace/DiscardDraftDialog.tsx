import { Dialog } from '../ui/Dialog';

/** Asked before a projection tab with unsaved code closes. */
export function DiscardDraftDialog({ title, onKeep, onDiscard }: { title: string; onKeep(): void; onDiscard(): void }) {
  return (
    <Dialog title="Discard unsaved projection code?" onClose={onKeep} onSubmit={(e) => (e.preventDefault(), onDiscard())} submitLabel="Discard" submitting={false} cancelLabel="Keep editing">
      <p>
        <strong>{title}</strong> has code that was changed since it was loaded or saved. Closing the tab throws the changes away; save it as a subscription or a read model to keep it.
      </p>
    </Dialog>
  );
}
