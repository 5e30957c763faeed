import type { ReadModelInfo } from '../api/types';
import { labelOf } from '../projections/SourcePicker';
import { copyText } from '../ui/copy';
import { ErrorBox } from '../ui/ErrorBox';
import { moveFocusInList } from '../ui/focus';
import { formatCount } from '../ui/format';
import { checkpointText } from './read-model-text';

interface Props {
  models: ReadModelInfo[] | null;
  path: string;
  error: unknown;
  selectedName: string | null;
  connectionName(id: string): string;
  onSelect(m: ReadModelInfo): void;
  onReload(): void;
}

/** The saved read models, each with its size, checkpoint and source; the file they are in. */
export function ReadModelList({ models, path, error, selectedName, connectionName, onSelect, onReload }: Props) {
  return (
    <nav className="rm-list" aria-label="Read models">
      <div className="section">
        <h3>
          Read models <span className="faint">{models ? models.length : ''}</span>
          <span className="spacer" />
          <button className="icon-btn" aria-label="Reload read models" title="Reload" onClick={onReload}>
            ↻
          </button>
        </h3>
      </div>
      {error !== null && (
        <div className="section">
          <ErrorBox error={error} />
        </div>
      )}
      {models?.length === 0 && (
        <div className="empty">
          <div>
            <h3>No read models yet</h3>
            <p>
              Rebuild a projection, then press <strong>Save as read model…</strong> to write its state to a table here.
            </p>
          </div>
        </div>
      )}
      <ul className="rm-items" aria-label="Read models" onKeyDown={moveFocusInList}>
        {models?.map((m) => (
          <li key={m.name}>
            <button className="rm-item" aria-current={m.name === selectedName} onClick={() => onSelect(m)}>
              <span className="mono name">{m.name}</span>
              <span className="faint">
                {formatCount(m.rows)} rows · {checkpointText(m)}
              </span>
              <span className="faint" title={`${connectionName(m.source.connectionId)} · ${labelOf(m.source.target)}`}>
                {connectionName(m.source.connectionId)} · {labelOf(m.source.target)}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {path && (
        <div className="rm-path faint" title={`${path}\nAny SQLite tool can open this file.`}>
          <span className="mono">{path.split(/[\\/]/).pop()}</span>
          <button className="btn small ghost" onClick={() => void copyText(path)} aria-label="Copy path of the file">
            Copy path
          </button>
        </div>
      )}
    </nav>
  );
}
