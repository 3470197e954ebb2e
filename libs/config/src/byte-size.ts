/** Units of a byte size, binary like body-parser's own (`1kb` = 1024 bytes). */
const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2 };

/**
 * `64kb`, `64k`, `1mb`, `512` (bytes): the number of bytes, or undefined for anything else. The
 * body parser's own reading turns `64k` into 64 bytes and throws on `abc` at the first request;
 * reading it here turns both into a start-up error.
 */
export function parseByteSize(raw: string): number | undefined {
  const match = /^(\d{1,12})\s*([a-z]*)$/i.exec(raw.trim());
  if (!match) return undefined;
  const factor = UNITS[match[2].toLowerCase()];
  return factor === undefined ? undefined : Number(match[1]) * factor;
}
