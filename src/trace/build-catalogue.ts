import type { Catalogue, CatalogueItem, CatalogueRequest } from '../model/catalogue';
import { CatalogueBuilder } from '../model/catalogue-builder';
import { ScanChecks } from '../model/scan-checks';
import type { TraceWhere } from '../model/trace';
import type { SourceAdapter } from '../sources/source-adapter';
import { readResource } from './read-resource';

const SNAPSHOT_EVERY_MS = 1_000;

/**
 * An event catalogue of one topic, stream, queue state or store stream, with the checks run over
 * the same read: the catalogue so far is sent every second (what stands when the user stops), and
 * the whole one at the end.
 */
export async function buildCatalogue(
  adapter: SourceAdapter,
  connectionName: string,
  req: CatalogueRequest,
  signal: AbortSignal,
  send: (item: CatalogueItem) => void,
  progress: (p: { done: number; total: number | null; exact: boolean }) => void,
): Promise<Catalogue> {
  const where: TraceWhere = { connectionId: req.connectionId, connectionName, resourceType: req.resource.resourceType, resource: req.resource.resource, vhost: req.resource.vhost };
  const builder = new CatalogueBuilder();
  const checks = new ScanChecks();
  let scanned = 0;
  let total: number | null = null;
  // The first batch's catalogue at once, so something shows; then one a second.
  let last = 0;
  const said: string[] = [];
  const snapshot = (complete: boolean) => {
    const found = checks.findings();
    const notes = [...said, ...found.notes];
    if (req.scope.kind === 'sample')
      notes.unshift(
        req.resource.resourceType === 'kafka-topic'
          ? `A sample: the newest ${req.scope.count.toLocaleString('en-US')} records, shared out among the partitions (a few more when they do not divide it).`
          : `A sample: the first ${req.scope.count.toLocaleString('en-US')} records at most.`,
      );
    return builder.snapshot(found.findings, total, complete, notes);
  };
  const whole = await readResource(adapter, req.connectionId, req.resource, req.scope, signal, {
    batch: (records) => {
      for (const r of records) {
        builder.add(where, r);
        checks.add(where, r);
      }
      scanned += records.length;
      progress({ done: scanned, total, exact: total !== null });
      if (Date.now() - last >= SNAPSHOT_EVERY_MS) {
        last = Date.now();
        send({ kind: 'snapshot', catalogue: snapshot(false) });
      }
    },
    total: (n) => (total = n),
    note: (text) => void (!said.includes(text) && said.push(text)),
  });
  return snapshot(whole);
}
