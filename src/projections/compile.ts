import { transform } from 'esbuild';
import { RewindError } from '../api/errors';

export const MAX_SOURCE_BYTES = 512 * 1024;

/** TypeScript or JavaScript with `export default { ... }` in, CommonJS out; errors name the line. */
export async function compileProjection(source: string, filename = 'projection.ts'): Promise<string> {
  if (Buffer.byteLength(source) > MAX_SOURCE_BYTES) {
    throw new RewindError('invalid_input', `The projection is larger than ${MAX_SOURCE_BYTES / 1024} KB`);
  }
  try {
    const result = await transform(source, { loader: 'ts', format: 'cjs', target: 'es2022', sourcefile: filename, logLevel: 'silent' });
    return result.code;
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { line: number; column: number; lineText: string } | null }[] }).errors ?? [];
    const first = errors[0];
    if (!first) throw new RewindError('invalid_input', `The projection does not compile: ${(e as Error).message}`);
    const where = first.location ? `${filename}:${first.location.line}:${first.location.column + 1}: ` : '';
    throw new RewindError('invalid_input', `${where}${first.text}`, first.location ? `Line ${first.location.line}: ${first.location.lineText.trim()}` : undefined);
  }
}
