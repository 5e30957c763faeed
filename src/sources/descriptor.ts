import type { ConnectionProfile } from './profiles';
import type { SourceKind } from '../model/envelope';
import type { Envelope } from '../model/envelope';
import type { ReadTarget, Resource } from '../model/resources';
import type { DeathGroupBy } from '../model/dead-letters';

export type { SourceKind } from '../model/envelope';

/** A group of resources in the sidebar, under one heading. */
export interface SidebarGroup {
  /** Unique within the connection; the tree keys the group's open state by it. */
  id: string;
  label: string;
  items: Resource[];
  /** A RabbitMQ vhost: its map is the group's first row. */
  vhost?: string;
  /** Collapsed unless opened or a filter matches inside. */
  startCollapsed?: boolean;
}

/** The parts of the connection form a source uses, drawn in this order. */
export type FormSection = 'file' | 'address' | 'sasl' | 'credentials' | 'rabbit-ports' | 'redis' | 'registry' | 'envelope';

/** Where a redrive can send dead letters beyond "back where each came from". */
export type RedriveChoice = 'origin-route' | 'exchange' | 'queue' | 'topic';
export type RedriveOption = 'restore-ttl' | 'partitioning' | 'keep-timestamp' | 'rate-limit';

/**
 * How a kind of source looks to the user: its words, its sidebar, its form and its redrive
 * choices. Browser-safe (the renderer draws from it); what it can do at run time is told by the
 * capabilities its adapter's abilities give.
 */
export interface SourceDescriptor<P extends ConnectionProfile = ConnectionProfile> {
  readonly kind: SourceKind;
  /** As the connection form's kind buttons and default names say it. */
  readonly label: string;
  /** The short word on a badge where sources are listed together (the dead-letter view). */
  readonly badge: string;
  /** What one item is called in sentences ("3 records"). */
  readonly noun: string;
  /** The heading of a record's position column in lists that mix no other source. */
  readonly positionLabel: string;
  /** How a position is typed in a "from" box: a pattern (a RegExp source) and what it should be. */
  readonly positionForm: { readonly pattern: string; readonly hint: string };
  /** The detail pane's headings for the headers and the value. */
  readonly headersTitle: string;
  readonly payloadTitle: string;
  /** How a null value reads, in the table and in the detail pane. */
  readonly nullValue: { short: string; long: string };
  /** What the detail says of a record without a time; null says nothing. */
  readonly missingTime: string | null;
  /** The sidebar's note when a connection lists nothing. */
  readonly emptyNote: string;
  /** A note that replaces the list when it has nothing to read yet (null: the list is shown). */
  nothingToRead(resources: Resource[]): string | null;
  /** Views of a connection beyond its resources: sidebar links and palette actions. */
  readonly views: readonly ('groups' | 'new-topic')[];
  /** How the sidebar arranges the resources: the rows at the top, then groups. */
  sidebar(resources: Resource[]): { top: Resource[]; groups: SidebarGroup[] };
  /** Where a record's whole value is read again, given what the tab reads (null: it cannot be). */
  valueTarget(e: Envelope, tabTarget: ReadTarget | null): ReadTarget | null;
  readonly redrive: {
    /** The first choice of the redrive dialog, in words. */
    readonly toOrigin: string;
    readonly choices: readonly RedriveChoice[];
    readonly options: readonly RedriveOption[];
    /** Whether what was redriven stays in the dead letters and is marked (a Kafka DLT keeps it). */
    readonly marksRedriven: boolean;
    /** How its dead letters are grouped when first shown (failed jobs: by their reason); none when absent. */
    readonly groupBy?: DeathGroupBy;
  };
  /**
   * The addresses a saved password is sent to, in words: a profile whose target changed gets no
   * saved password. `legacy` is the form an older Rewind wrote, still honoured where it matches.
   */
  secretTarget(profile: P): { current: string; legacy: string | null };
  readonly form: {
    readonly sections: readonly FormSection[];
    readonly defaultPort: string;
    /** The port the broker listens on with TLS by default, when it has one of its own (RabbitMQ: 5671). */
    readonly defaultTlsPort?: string;
    /** A management port with a TLS default of its own (RabbitMQ: 15672, 15671 with TLS). */
    readonly managementPorts?: { readonly plain: string; readonly tls: string };
    readonly defaultUsername: string;
  };
}

/** The built-in sources' positions: offsets and store positions, whole numbers. */
export const WHOLE_POSITION = { pattern: '^\\d+$', hint: 'a whole number, such as 0 or 1200' } as const;

/** A sidebar of the resources' own groups (a `source` resource names its group; none: at the top), in the order first seen. */
export function sidebarByGroup(resources: Resource[]): { top: Resource[]; groups: SidebarGroup[] } {
  const top: Resource[] = [];
  const groups = new Map<string, SidebarGroup>();
  for (const r of resources) {
    const group = r.type === 'source' ? r.group : null;
    if (group === null) top.push(r);
    else if (groups.has(group)) groups.get(group)!.items.push(r);
    else groups.set(group, { id: group, label: group, items: [r] });
  }
  return { top, groups: [...groups.values()] };
}
