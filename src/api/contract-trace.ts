import { z } from 'zod';
import { Catalogue, CatalogueItem, CatalogueRequest } from '../model/catalogue';
import { TraceItem, TraceRequest, TraceSummary } from '../model/trace';

/** Conversations followed across sources, and what one place holds as events. Spread into `contract` (contract.ts). */

const stream = <P extends z.ZodType, I extends z.ZodType, R extends z.ZodType>(params: P, item: I, result: R) => ({ kind: 'stream' as const, params, item, result });

export const traceContract = {
  /** Every message of one conversation in the connections picked: members as found, each source's state, then the checks' findings. */
  'trace/run': stream(TraceRequest, TraceItem, TraceSummary),
  /** One topic, stream, queue state or store stream read for its event types, their fields and shape changes, with the trace's checks over it. */
  'catalogue/build': stream(CatalogueRequest, CatalogueItem, Catalogue),
} as const;
