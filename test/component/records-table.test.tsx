import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useMemo, useState } from 'react';
import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../renderer/src/api/types';
import { columnsFor, nextSort, sortRows, type Sort } from '../../renderer/src/records/columns';
import { RecordsTable } from '../../renderer/src/records/RecordsTable';
import { ordersTopic, record } from './envelopes';

/** The table as a tab holds it: selection and sort in the parent, the selected record shown beside it. */
function Harness({ count, picking = false }: { count: number; picking?: boolean }) {
  const all = useMemo(() => Array.from({ length: count }, (_, i) => record(i)), [count]);
  const columns = useMemo(() => columnsFor(ordersTopic), []);
  const [selected, setSelected] = useState(-1);
  const [sort, setSort] = useState<Sort>(null);
  const [copied, setCopied] = useState<Envelope | null>(null);
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const rows = useMemo(() => sortRows(all, columns, sort), [all, columns, sort]);
  const toggle = (i: number) => setPicked((p) => new Set(p.has(i) ? [...p].filter((x) => x !== i) : [...p, i]));
  const picks = { isPicked: (i: number) => picked.has(i), toggle, allPicked: picked.size === count, toggleAll: () => setPicked(new Set()) };
  return (
    <>
      <RecordsTable
        rows={rows}
        columns={columns}
        selected={selected}
        onSelect={setSelected}
        sort={sort}
        onSort={(c) => setSort((s) => nextSort(s, c))}
        onCopy={setCopied}
        empty={<p>No records here</p>}
        label="orders records"
        {...(picking ? { picks } : {})}
      />
      <output aria-label="detail">{rows[selected] ? `record @${rows[selected].position} ${rows[selected].type}` : 'nothing selected'}</output>
      <output aria-label="clipboard">{copied ? `copied @${copied.position}` : ''}</output>
    </>
  );
}

const grid = () => screen.getByRole('grid', { name: 'orders records' });
/** Body rows: the ones with cells (the header row, where it sits inside the grid, has none). */
const bodyRows = () =>
  within(grid())
    .queryAllByRole('row')
    .filter((r) => within(r).queryAllByRole('gridcell').length > 0);
/** The row of record n, found by its key cell. */
const rowAt = (n: number) =>
  bodyRows().find((r) =>
    within(r)
      .queryAllByRole('gridcell')
      .some((c) => c.textContent === `order-${n}`),
  );
const selectedRow = () => bodyRows().find((r) => r.getAttribute('aria-selected') === 'true');
const detail = () => screen.getByRole('status', { name: 'detail' }).textContent;

describe('RecordsTable', () => {
  it('shows the columns of a Kafka topic and the records as rows of cells', () => {
    render(<Harness count={3} />);
    const headers = screen.getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers).toEqual(['P', 'Offset', 'Time', 'Key', 'Type', 'Value', 'Size']);
    expect(bodyRows()).toHaveLength(3);
    const cells = within(rowAt(1)!)
      .getAllByRole('gridcell')
      .map((c) => c.textContent);
    expect(cells.slice(0, 2)).toEqual(['0', '1']);
    expect(cells).toContain('order-1');
    expect(cells).toContain('OrderPaid');
    expect(cells.some((c) => c?.includes('"orderId":"o-1"'))).toBe(true);
  });

  it('renders only a window of a long list but says how many rows there are', () => {
    render(<Harness count={10_000} />);
    const rendered = bodyRows().length;
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(100);
    expect(Number(grid().getAttribute('aria-rowcount'))).toBeGreaterThanOrEqual(10_000);
    expect(rowAt(0)).toBeDefined();
    expect(rowAt(9_999)).toBeUndefined();
  });

  it('shows the empty state when there are no rows', () => {
    render(<Harness count={0} />);
    screen.getByText('No records here');
    expect(bodyRows()).toHaveLength(0);
  });

  it('selects a row on click and opens it beside the table', async () => {
    const user = userEvent.setup();
    render(<Harness count={20} />);
    expect(detail()).toBe('nothing selected');
    await user.click(within(rowAt(4)!).getAllByRole('gridcell')[4]!);
    expect(selectedRow()).toBe(rowAt(4));
    expect(detail()).toBe('record @4 OrderPaid');
  });

  it('moves the selection with the arrow keys, stopping at the ends', async () => {
    const user = userEvent.setup();
    render(<Harness count={20} />);
    grid().focus();
    await user.keyboard('{ArrowDown}');
    expect(detail()).toBe('record @0 OrderPlaced');
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(selectedRow()).toBe(rowAt(2));
    expect(detail()).toBe('record @2 OrderShipped');
    await user.keyboard('{ArrowUp}');
    expect(detail()).toBe('record @1 OrderPaid');
    await user.keyboard('{ArrowUp}{ArrowUp}{ArrowUp}');
    expect(detail()).toBe('record @0 OrderPlaced');
    await user.keyboard('{End}');
    expect(detail()).toBe('record @19 OrderPaid');
    await user.keyboard('{ArrowDown}');
    expect(detail()).toBe('record @19 OrderPaid');
    await user.keyboard('{Home}');
    expect(detail()).toBe('record @0 OrderPlaced');
  });

  it('keeps the selected row in view when End jumps to the last of 10,000', async () => {
    const user = userEvent.setup();
    render(<Harness count={10_000} />);
    grid().focus();
    await user.keyboard('{End}');
    expect(detail()).toBe('record @9999 OrderPlaced');
    await screen.findByText('order-9999');
    expect(selectedRow()).toBe(rowAt(9_999));
  });

  it('pages with PageDown and PageUp', async () => {
    const user = userEvent.setup();
    render(<Harness count={100} />);
    grid().focus();
    await user.keyboard('{ArrowDown}{PageDown}');
    const paged = Number(/@(\d+)/.exec(detail() ?? '')?.[1]);
    expect(paged).toBeGreaterThan(1);
    await user.keyboard('{PageUp}');
    expect(detail()).toBe('record @0 OrderPlaced');
  });

  it('copies the selected record with Ctrl+C', async () => {
    const user = userEvent.setup();
    render(<Harness count={5} />);
    await user.click(within(rowAt(3)!).getAllByRole('gridcell')[0]!);
    await user.keyboard('{Control>}c{/Control}');
    expect(screen.getByRole('status', { name: 'clipboard' }).textContent).toBe('copied @3');
  });

  it('sorts by a column: ascending, descending, then back to the read order', async () => {
    const user = userEvent.setup();
    render(<Harness count={6} />);
    const typeHeader = () => screen.getAllByRole('columnheader').find((h) => h.textContent?.startsWith('Type'))!;
    const types = () => bodyRows().map((r) => within(r).getAllByRole('gridcell')[4]!.textContent);
    expect(typeHeader().getAttribute('aria-sort')).toBe('none');
    await user.click(screen.getByTitle('Sort by Type'));
    expect(typeHeader().getAttribute('aria-sort')).toBe('ascending');
    expect(types()).toEqual(['OrderPaid', 'OrderPaid', 'OrderPlaced', 'OrderPlaced', 'OrderShipped', 'OrderShipped']);
    await user.click(screen.getByTitle('Sort by Type'));
    expect(typeHeader().getAttribute('aria-sort')).toBe('descending');
    expect(types()[0]).toBe('OrderShipped');
    await user.click(screen.getByTitle('Sort by Type'));
    expect(typeHeader().getAttribute('aria-sort')).toBe('none');
    expect(bodyRows().map((r) => within(r).getAllByRole('gridcell')[1]!.textContent)).toEqual(['0', '1', '2', '3', '4', '5']);
  });

  it('picks rows for an action with Space and the row checkbox', async () => {
    const user = userEvent.setup();
    render(<Harness count={5} picking />);
    await user.click(within(rowAt(2)!).getAllByRole('gridcell')[3]!);
    await user.keyboard(' ');
    expect((screen.getByRole('checkbox', { name: 'Pick row 3' }) as HTMLInputElement).checked).toBe(true);
    await user.keyboard(' ');
    expect((screen.getByRole('checkbox', { name: 'Pick row 3' }) as HTMLInputElement).checked).toBe(false);
    await user.click(within(rowAt(4)!).getAllByRole('gridcell')[0]!);
    expect((screen.getByRole('checkbox', { name: 'Pick row 5' }) as HTMLInputElement).checked).toBe(true);
  });
});
