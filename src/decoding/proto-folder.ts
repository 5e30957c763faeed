import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import protobuf from 'protobufjs';
import { RewindError } from '../model/errors';

const MAX_FILES = 2_000;
const MAX_FILE_BYTES = 2 * 1024 * 1024;
const MAX_DEPTH = 12;

/** A folder of .proto files, parsed together (imports resolved from the folder, Google's well-known types from protobufjs). */
export interface LoadedProtos {
  root: protobuf.Root;
  files: string[];
  messageTypes: string[];
}

/**
 * Reads every .proto file under `folder`. A file that does not parse is refused with its path in the
 * folder and the line protobufjs names; an import that is neither in the folder nor a well-known
 * type says which file wanted it.
 */
export function loadProtoFolder(folder: string): LoadedProtos {
  if (!isAbsolute(folder)) throw new RewindError('invalid_input', `"${folder}" is not an absolute path`, 'Give the folder as a full path, such as /home/me/protos.');
  let kind: 'folder' | 'file' | null = null;
  try {
    kind = statSync(folder).isDirectory() ? 'folder' : 'file';
  } catch {
    /* missing */
  }
  if (kind === 'file') throw new RewindError('invalid_input', `${folder} is a file, not a folder`, 'Give the folder that holds it: its imports are read from there.');
  if (kind === null) throw new RewindError('invalid_input', `There is no folder at ${folder}`, 'Give the folder that holds your .proto files.');
  const files = protoFiles(folder, '', 0);
  if (files.length === 0) throw new RewindError('invalid_input', `${folder} holds no .proto files`, 'Give the folder that holds your .proto files (sub-folders are read too).');
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : join(folder, target));
  const fetch = (path: string): string => {
    if (path.startsWith('google/protobuf/')) return '';
    const size = statSync(path).size;
    if (size > MAX_FILE_BYTES) throw new Error(`${relative(folder, path)} is larger than 2 MB`);
    return readFileSync(path, 'utf8');
  };
  for (const file of files) {
    try {
      loadOne(root, join(folder, file), fetch);
    } catch (e) {
      const message = (e as Error).message.split(folder + sep).join('');
      throw new RewindError('invalid_input', `A .proto file does not parse: ${message}`, 'Fix the file (its name and line are above) and load the folder again.');
    }
  }
  try {
    root.resolveAll();
  } catch (e) {
    throw new RewindError('invalid_input', `The .proto files do not fit together: ${(e as Error).message.split(folder + sep).join('')}`, 'An import or a type name is missing from the folder.');
  }
  return { root, files, messageTypes: typesOf(root).sort() };
}

function loadOne(root: protobuf.Root, path: string, fetch: (path: string) => string): void {
  if (root.files.includes(path)) return;
  root.files.push(path);
  const source = fetch(path);
  // protobufjs names the file in a parse error only when told it, as its own loader does.
  (protobuf.parse as unknown as { filename: string | null }).filename = path;
  let parsed: protobuf.IParserResult;
  try {
    parsed = protobuf.parse(source, root, { keepCase: true, alternateCommentMode: true });
  } finally {
    (protobuf.parse as unknown as { filename: string | null }).filename = null;
  }
  for (const imp of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) {
    if (imp.startsWith('google/protobuf/')) {
      const common = protobuf.common.get(imp);
      if (!common) throw new Error(`${path}: imports ${imp}, which protobufjs does not carry`);
      if (!root.files.includes(imp)) {
        root.files.push(imp);
        root.addJSON(common.nested ?? {});
      }
      continue;
    }
    const target = root.resolvePath(path, imp);
    if (!target) continue;
    try {
      loadOne(root, target, fetch);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${path}: imports ${imp}, which is not in the folder`, { cause: e });
      throw e;
    }
  }
}

function protoFiles(folder: string, under: string, depth: number): string[] {
  if (depth > MAX_DEPTH) return [];
  const out: string[] = [];
  for (const entry of readdirSync(join(folder, under), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = under ? `${under}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...protoFiles(folder, path, depth + 1));
    else if (entry.isFile() && entry.name.endsWith('.proto')) out.push(path);
    if (out.length > MAX_FILES) throw new RewindError('invalid_input', `${folder} holds more than ${MAX_FILES} .proto files`, 'Give the folder of the schemas this topic uses.');
  }
  return out;
}

function typesOf(ns: protobuf.NamespaceBase): string[] {
  return ns.nestedArray.flatMap((n) => [
    ...(n instanceof protobuf.Type && !n.fullName.startsWith('.google.protobuf.') ? [n.fullName.replace(/^\./, '')] : []),
    ...(n instanceof protobuf.Namespace || n instanceof protobuf.Type ? typesOf(n) : []),
  ]);
}
