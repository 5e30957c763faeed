import { transform } from 'esbuild';
import { RewindError } from '../model/errors';
import { stackMapper } from './source-positions';

export const MAX_SOURCE_BYTES = 512 * 1024;

export interface CompiledProjection {
  code: string;
  /** Rewrites stack positions in the compiled code to the user's own lines and columns. */
  mapStack(stack: string): string;
}

/** TypeScript or JavaScript with `export default { ... }` in, CommonJS out; errors name the line. */
export async function compileProjection(source: string, filename = 'projection.ts'): Promise<CompiledProjection> {
  if (Buffer.byteLength(source) > MAX_SOURCE_BYTES) {
    throw new RewindError('invalid_input', `The projection is larger than ${MAX_SOURCE_BYTES / 1024} KB`);
  }
  try {
    const result = await transform(source, { loader: 'ts', format: 'cjs', target: 'es2022', sourcefile: filename, logLevel: 'silent', sourcemap: 'external' });
    const map = JSON.parse(result.map) as { mappings: string };
    return { code: result.code, mapStack: stackMapper(map.mappings, filename) };
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { line: number; column: number; lineText: string } | null }[] }).errors ?? [];
    const first = errors[0];
    if (!first) throw new RewindError('invalid_input', `The projection does not compile: ${(e as Error).message}`);
    const where = first.location ? `${filename}:${first.location.line}:${first.location.column + 1}: ` : '';
    throw new RewindError('invalid_input', `${where}${first.text}`, first.location ? `Line ${first.location.line}: ${first.location.lineText.trim()}` : undefined);
  }
}
