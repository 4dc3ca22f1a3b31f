/** One part of a multipart/form-data body. */
export interface Part {
  name: string;
  filename?: string;
  data: Buffer;
}

/** Splits a multipart/form-data body (enough for checking what a client uploaded). */
export function parseMultipart(body: Buffer, contentType: string): Part[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) return [];
  const sep = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts: Part[] = [];
  let start = body.indexOf(sep);
  while (start >= 0) {
    const next = body.indexOf(sep, start + sep.length);
    if (next < 0) break;
    const chunk = body.subarray(start + sep.length + 2, next - 2);
    const headerEnd = chunk.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const headers = chunk.subarray(0, headerEnd).toString('utf8');
      const name = /name="?([^";\r\n]+)"?/.exec(headers)?.[1] ?? '';
      const filename = /filename="?([^";\r\n]+)"?/.exec(headers)?.[1];
      parts.push({ name, filename, data: chunk.subarray(headerEnd + 4) });
    }
    start = next;
  }
  return parts;
}
