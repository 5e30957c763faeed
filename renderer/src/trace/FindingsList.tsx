import type { Finding } from '../../../src/model/trace';

const WORDS: Record<Finding['kind'], string> = {
  duplicate: 'Duplicate',
  orphan: 'Orphan',
  'version-gap': 'Version gap',
  'version-repeat': 'Version repeat',
  'out-of-order': 'Out of order',
};

/** The checks' findings, each with its links to the messages it is about (what a link does is the caller's). */
export function FindingsList({ findings, links }: { findings: Finding[]; links(f: Finding): { label: string; go(): void }[] }) {
  if (findings.length === 0) return null;
  return (
    <ul className="trace-findings" aria-label="Findings">
      {findings.map((f, i) => (
        <li key={i}>
          <span className={`badge finding-${f.kind}`}>{WORDS[f.kind]}</span> {f.text}{' '}
          {links(f).map((l, j) => (
            <button key={j} className="link-button" onClick={l.go}>
              {l.label}
            </button>
          ))}
        </li>
      ))}
    </ul>
  );
}
