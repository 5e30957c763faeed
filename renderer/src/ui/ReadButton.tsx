/** A toolbar's submit: Read, or Cancel while a read runs. */
export function ReadButton({ busy, onCancel }: { busy: boolean; onCancel(): void }) {
  return busy ? (
    <button type="button" className="btn" onClick={onCancel}>
      Cancel
    </button>
  ) : (
    <button type="submit" className="btn primary">
      Read
    </button>
  );
}
