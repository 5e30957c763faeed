import { useEffect, useId, useRef, type FormEvent, type KeyboardEvent as ReactKeyboardEvent, type ReactNode } from 'react';
import { firstField, tabbables } from './focus';

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
  /** What the button that closes without acting says ("Cancel" unless a question reads better). */
  cancelLabel?: string;
}

/**
 * A modal form: closes on Escape, on a click outside, or with Cancel. It focuses its first field
 * when it opens, keeps Tab and Shift+Tab inside itself, and gives focus back to whatever opened it
 * when it closes.
 */
export function Dialog({ title, onClose, onSubmit, children, actions, submitLabel, submitting, wide, cancelLabel = 'Cancel' }: Props) {
  const titleId = useId();
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  // Focus in on open (unless a child already took it with autoFocus), back to the opener on close.
  useEffect(() => {
    const dialog = form.current;
    if (!dialog) return;
    const active = document.activeElement;
    const opener = active instanceof HTMLElement && !dialog.contains(active) ? active : null;
    if (!dialog.contains(document.activeElement)) (firstField(dialog) ?? dialog).focus();
    // Focus that lands outside (a click on the backdrop's page, a programmatic focus) comes back.
    const onFocusIn = (e: FocusEvent) => {
      const target = e.target as Node | null;
      // Another layer on top (a nested dialog, a palette) owns its own focus.
      if (target && !dialog.contains(target) && !(target instanceof Element && target.closest('[role="dialog"], [aria-modal="true"]'))) (tabbables(dialog)[0] ?? dialog).focus();
    };
    document.addEventListener('focusin', onFocusIn);
    return () => {
      document.removeEventListener('focusin', onFocusIn);
      // Only when focus was still ours: a dialog that hands over to another must not pull it back.
      const now = document.activeElement;
      const ours = now === null || now === document.body || dialog.contains(now) || !dialog.isConnected;
      if (opener?.isConnected && ours) opener.focus();
    };
  }, []);

  const trapTab = (e: ReactKeyboardEvent<HTMLFormElement>) => {
    if (e.key !== 'Tab' || e.defaultPrevented) return;
    const all = tabbables(e.currentTarget);
    if (all.length === 0) return e.preventDefault();
    const first = all[0]!;
    const last = all[all.length - 1]!;
    const active = document.activeElement;
    if (e.shiftKey && (active === first || active === e.currentTarget || !all.includes(active as HTMLElement))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !all.includes(active as HTMLElement))) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <form ref={form} className={wide ? 'dialog wide' : 'dialog'} role="dialog" aria-modal="true" aria-labelledby={titleId} tabIndex={-1} onSubmit={onSubmit} onKeyDown={trapTab} noValidate>
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
            {cancelLabel}
          </button>
          <button type="submit" className="btn primary" disabled={submitting}>
            {submitLabel}
          </button>
        </footer>
      </form>
    </div>
  );
}
