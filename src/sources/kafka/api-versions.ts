/**
 * ApiVersions v3 (KIP-511, Kafka 2.4+) on the wire. kafkajs 2.2.4 negotiates with v2, which
 * lists only API ranges; v3 adds the broker's supported and finalized features, and the
 * `metadata.version` feature names the Kafka release the broker's software is (see broker-version.ts).
 */

export interface VersionRange {
  min: number;
  max: number;
}

export interface ApiVersionsV3 {
  apiKeys: Map<number, VersionRange>;
  /** What the broker's software can run: feature name -> supported levels. */
  supported: Map<string, VersionRange>;
  /** What the cluster runs at now: feature name -> finalized levels. */
  finalized: Map<string, VersionRange>;
}

/** The request after kafkajs's v1 header: the header's empty tagged fields, then the v3 body. */
export function apiVersionsV3Request(softwareName: string, softwareVersion: string): Buffer {
  return Buffer.concat([Buffer.from([0]), compactString(softwareName), compactString(softwareVersion), Buffer.from([0])]);
}

/**
 * The v3 response body (ApiVersions answers always use response header v0). Null when the broker
 * refused v3 (UNSUPPORTED_VERSION from a broker older than 2.4): the caller falls back to v2's ranges.
 */
export function decodeApiVersionsV3(payload: Buffer): ApiVersionsV3 | null {
  const r = new Reader(payload);
  if (r.int16() !== 0) return null;
  const apiKeys = new Map<number, VersionRange>();
  for (let n = r.uvarint() - 1; n > 0; n--) {
    const key = r.int16();
    apiKeys.set(key, { min: r.int16(), max: r.int16() });
    r.skipTags();
  }
  r.int32(); // throttle_time_ms
  const supported = new Map<string, VersionRange>();
  const finalized = new Map<string, VersionRange>();
  for (let tags = r.uvarint(); tags > 0; tags--) {
    const tag = r.uvarint();
    const size = r.uvarint();
    const end = r.at + size;
    if (tag === 0) {
      for (let n = r.uvarint() - 1; n > 0; n--) {
        const name = r.compactString();
        supported.set(name, { min: r.int16(), max: r.int16() });
        r.skipTags();
      }
    } else if (tag === 2) {
      for (let n = r.uvarint() - 1; n > 0; n--) {
        const name = r.compactString();
        // Finalized features list the max level first.
        const max = r.int16();
        finalized.set(name, { min: r.int16(), max });
        r.skipTags();
      }
    }
    r.at = end;
  }
  return { apiKeys, supported, finalized };
}

function compactString(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([uvarint(bytes.length + 1), bytes]);
}

function uvarint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return Buffer.from(out);
}

class Reader {
  at = 0;
  constructor(private readonly buf: Buffer) {}
  int16(): number {
    const v = this.buf.readInt16BE(this.at);
    this.at += 2;
    return v;
  }
  int32(): number {
    const v = this.buf.readInt32BE(this.at);
    this.at += 4;
    return v;
  }
  uvarint(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = this.buf.readUInt8(this.at++);
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
      shift += 7;
      if (shift > 28) throw new Error('ApiVersions: varint too long');
    }
  }
  compactString(): string {
    const len = this.uvarint() - 1;
    const s = this.buf.toString('utf8', this.at, this.at + len);
    this.at += len;
    return s;
  }
  skipTags(): void {
    for (let n = this.uvarint(); n > 0; n--) {
      this.uvarint();
      this.at += this.uvarint();
    }
  }
}
