/** Saves what the app made (an export, a payload) as a file the browser downloads. */
export function saveDownload(parts: BlobPart[], filename: string, type = 'application/x-ndjson'): void {
  const url = URL.createObjectURL(new Blob(parts, { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  // The download has started by then; the blob can go.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
