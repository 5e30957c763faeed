import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ViewBoundary } from '../../renderer/src/ui/ViewBoundary';

function Fragile({ broken }: { broken: boolean }) {
  if (broken) throw new Error('cannot read properties of undefined (reading "rows")');
  return <p>the view works</p>;
}

/** Two views side by side; one of them breaks. */
function Harness() {
  const [broken, setBroken] = useState(true);
  return (
    <>
      <button onClick={() => setBroken(false)}>fix it</button>
      <ViewBoundary name="orders topic">
        <Fragile broken={broken} />
      </ViewBoundary>
      <ViewBoundary name="audit">
        <p>the other view still works</p>
      </ViewBoundary>
    </>
  );
}

describe('a view that throws while rendering', () => {
  it('says which view failed and why, leaves the others alone, and can be tried again', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const user = userEvent.setup();
    render(<Harness />);
    expect(screen.getByRole('alert').textContent).toContain('The orders topic view failed: cannot read properties of undefined (reading "rows")');
    expect(screen.getByText('the other view still works')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'fix it' }));
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(screen.getByText('the view works')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
    quiet.mockRestore();
  });
});
