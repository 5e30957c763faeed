import type { AppInfo, ConnectionSummary } from '../api/types';
import type { StatusState } from './useConnectionStatus';

interface Props {
  connection: ConnectionSummary | null;
  status: StatusState | null;
  info: AppInfo | null;
  theme: 'light' | 'dark';
  onToggleTheme(): void;
}

export function StatusBar({ connection, status, info, theme, onToggleTheme }: Props) {
  const state =
    !status || status.status === 'checking'
      ? { dot: 'pending', text: 'checking…', title: '' }
      : status.value.reachable
        ? { dot: 'ok', text: `reachable · ${status.value.server ?? ''}`, title: `checked ${status.value.checkedAt}` }
        : { dot: 'bad', text: `unreachable · ${status.value.error ?? ''}`, title: status.value.error ?? '' };
  return (
    <footer className="statusbar" data-testid="statusbar">
      {connection ? (
        <span title={state.title} data-testid="connection-status">
          <span className={`dot ${state.dot}`} /> {connection.name} — {state.text}
        </span>
      ) : (
        <span>No connection selected</span>
      )}
      <span className="spacer" />
      {info && (
        <span>
          {info.shell === 'web' ? 'web shell' : 'desktop'} · v{info.version}
        </span>
      )}
      <button className="icon-btn" onClick={onToggleTheme} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`} title="Toggle theme">
        {theme === 'dark' ? '☀' : '☾'}
      </button>
    </footer>
  );
}
