import { Component, type ReactNode } from 'react';

interface Props {
  /** What the view is, in the words of its tab: "the orders topic view failed". */
  name: string;
  children: ReactNode;
}

/**
 * Keeps a view's rendering error inside that view: without it React unmounts the whole app and
 * the window goes blank. Says which view failed and why, and offers to draw it again.
 */
export class ViewBoundary extends Component<Props, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown) {
    console.error(`rewind: the ${this.props.name} view failed`, error);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="empty">
        <div className="error-box" role="alert">
          <div>
            The {this.props.name} view failed: {error.message}
          </div>
          <div className="hint">Other tabs are not affected. Try again, or close the tab and open it again; if it keeps failing, the message above is what to report.</div>
          <button className="btn small" onClick={() => this.setState({ error: null })}>
            Try again
          </button>
        </div>
      </div>
    );
  }
}
