import { useRef } from 'react';

interface Props {
  label: string;
  /** What a screen reader (and a test) calls the hidden file field. */
  fileLabel: string;
  accept: string;
  disabled: boolean;
  title?: string;
  onFile(file: File): void;
}

/** A button that picks one file; picking the same file again still counts (the field is cleared). */
export function FileImportButton({ label, fileLabel, accept, disabled, title, onFile }: Props) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className="btn" disabled={disabled} onClick={() => input.current?.click()} title={title}>
        {label}
      </button>
      <input
        ref={input}
        type="file"
        accept={accept}
        hidden
        aria-label={fileLabel}
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) onFile(f);
        }}
      />
    </>
  );
}
