import { useEffect, useId, type FormEvent, type ReactNode } from 'react';

interface Props {
  title: string;
  onClose(): void;
  onSubmit(e: FormEvent): void;
  children: ReactNode;
  /** Buttons on the left (tests, removals); Cancel and the submit button come last. */
  actions?: ReactNode;
  submitLabel: string;
  submitting: boolean;
  /** For tables (previews, plans): the wide size. */
  wide?: boolean;
}

/** A modal form: closes on Escape, on a click outside, or with Cancel. */
export function Dialog({ title, onClose, onSubmit, children, actions, submitLabel, submitting, wide }: Props) {
  const titleId = useId();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <form className={wide ? 'dialog wide' : 'dialog'} role="dialog" aria-modal="true" aria-labelledby={titleId} onSubmit={onSubmit} noValidate>
        <header>
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>
            ✕
          </button>
        </header>
        <div className="body">{children}</div>
        <footer>
          {actions}
          <div className="spacer" />
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={submitting}>
            {submitLabel}
          </button>
        </footer>
      </form>
    </div>
  );
}
