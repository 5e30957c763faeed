import { useState } from 'react';
import { copyText } from '../../ui/copy';
import { formatBytes } from '../../ui/format';
import { JsonTree } from '../JsonTree';
import type { Summary } from '../useRebuild';

export function StatePanel({ summary }: { summary: Summary }) {
  const [copied, setCopied] = useState(false);
  if (summary.state === null) {
    return (
      <div className="empty">
        <div>
          <h3>The state is {formatBytes(summary.stateBytes)}</h3>
          <p>Too large to show whole. Open the Partitions view and pick one.</p>
        </div>
      </div>
    );
  }
  return (
    <div className="panel-scroll">
      <div className="section">
        <h3>
          Final state at position {summary.lastPosition}
          <span className="spacer" />
          <button
            className="btn small ghost"
            onClick={async () => {
              await copyText(JSON.stringify(summary.state, null, 2));
              setCopied(true);
              setTimeout(() => setCopied(false), 1200);
            }}
          >
            {copied ? 'Copied' : 'Copy JSON'}
          </button>
        </h3>
        <div className="mono" data-testid="state-tree">
          <JsonTree value={summary.state} openDepth={2} />
        </div>
      </div>
    </div>
  );
}
