/**
 * Byte-level CSV number parsing for candle files. A generic CSV library (or split + Number) allocates
 * a string per field: ~720k strings for a year of 5m bars, which alone costs most of the 150 ms
 * load budget. Numbers are parsed with Clinger's fast path - an integer mantissa below 2^53 divided
 * by an exact power of ten is correctly rounded, i.e. identical to Number(text) - and fall back to
 * Number(text) for anything else (exponents, >15 significant digits, NaN/Infinity spellings).
 */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

export class CsvRowError extends Error {
  override readonly name = 'CsvRowError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    message: string,
  ) {
    super(`${file}:${line}: column ${column}: ${message}`);
  }
}

/**
 * Parse `cols` numeric columns per line into `out[c][row]`; returns the row count. Skips the header
 * (first line) and blank lines. Malformed fields become NaN (the validator reports them) unless
 * `strict`, in which case a CsvRowError names file, line and column.
 */
export function parseNumericCsv(buf: Uint8Array, cols: number, file: string, strict = false): Float64Array[] {
  let lines = 0;
  for (let i = 0; i < buf.length; i++) if (buf[i] === 10) lines++;
  const cap = lines + 1;
  const out: Float64Array[] = [];
  for (let c = 0; c < cols; c++) out.push(new Float64Array(cap));
  let i = 0;
  // skip header
  while (i < buf.length && buf[i] !== 10) i++;
  i++;
  let row = 0;
  let lineNo = 1;
  const n = buf.length;
  while (i < n) {
    lineNo++;
    if (buf[i] === 10 || buf[i] === 13) {
      i++;
      continue;
    }
    for (let c = 0; c < cols; c++) {
      const start = i;
      let mant = 0;
      let digits = 0;
      let decimals = 0;
      let dot = false;
      let neg = false;
      let ok = true;
      if (buf[i] === 45) {
        neg = true;
        i++;
      }
      while (i < n) {
        const ch = buf[i]!;
        if (ch >= 48 && ch <= 57) {
          if (digits < 15 || mant === 0) {
            mant = mant * 10 + (ch - 48);
            if (mant !== 0) digits++;
            if (dot) decimals++;
          } else ok = false;
        } else if (ch === 46 && !dot) dot = true;
        else if (ch === 44 || ch === 10 || ch === 13) break;
        else ok = false;
        i++;
      }
      let v: number;
      if (ok && i > start + (neg ? 1 : 0) && decimals <= 22) v = (neg ? -mant : mant) / POW10[decimals]!;
      else {
        const text = new TextDecoder().decode(buf.subarray(start, i)).trim();
        v = text === '' ? NaN : Number(text);
      }
      if (strict && !Number.isFinite(v)) throw new CsvRowError(file, lineNo, c + 1, `not a number: '${new TextDecoder().decode(buf.subarray(start, i))}'`);
      out[c]![row] = v;
      if (c < cols - 1) {
        if (buf[i] !== 44) {
          if (strict || i >= n || buf[i] === 10 || buf[i] === 13) {
            throw new CsvRowError(file, lineNo, c + 1, `expected ${cols} columns, found ${c + 1}`);
          }
        }
        i++;
      }
    }
    // rest of line (extra columns ignored)
    while (i < n && buf[i] !== 10) i++;
    i++;
    row++;
  }
  return out.map((a) => a.subarray(0, row));
}
