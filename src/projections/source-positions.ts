import { decode, type SourceMapMappings } from '@jridgewell/sourcemap-codec';

/**
 * Turns `projection.ts:30:38` in a stack (a position in the compiled JavaScript the sandbox runs)
 * into the line and column of the code the user wrote, through esbuild's source map.
 */
export function stackMapper(mappingsText: string, filename: string): (stack: string) => string {
  let mappings: SourceMapMappings | null = null;
  const escaped = filename.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const position = new RegExp(`${escaped}:(\\d+):(\\d+)`, 'g');
  return (stack) =>
    stack.replace(position, (whole, line: string, column: string) => {
      mappings ??= decode(mappingsText);
      const original = lookup(mappings, Number(line) - 1, Number(column) - 1);
      return original ? `${filename}:${original.line + 1}:${original.column + 1}` : whole;
    });
}

/** The last mapped segment at or before the column on that generated line (0-based in and out). */
function lookup(mappings: SourceMapMappings, line: number, column: number): { line: number; column: number } | null {
  const segments = mappings[line];
  if (!segments || segments.length === 0) return null;
  let best: (typeof segments)[number] | null = null;
  for (const s of segments) {
    if (s[0] > column) break;
    if (s.length >= 4) best = s;
  }
  best ??= segments.find((s) => s.length >= 4) ?? null;
  const [, , srcLine, srcColumn] = best ?? [];
  return srcLine === undefined || srcColumn === undefined ? null : { line: srcLine, column: srcColumn };
}
