// CSV written with LF after each record (PostgreSQL's COPY … CSV) turned into CRLF records
// (RFC 4180, and what Tally's exports write), chunk by chunk as the bytes stream by. A line
// feed inside a quoted field is data and stays as it is. Whether a position is inside quotes
// is the parity of the quote characters before it: a doubled quote ("") toggles twice.

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export class CsvLineEnds {
  /** True when the bytes so far end inside a quoted field. */
  private quoted = false;

  /** The chunk with CR before every record-ending LF; the state carries over to the next chunk. */
  convert(chunk: Uint8Array): Buffer {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const ends: number[] = [];
    let quoted = this.quoted;
    // Both searches are native; each position is visited once whatever the mix of quotes.
    let quote = bytes.indexOf(QUOTE);
    let lf = bytes.indexOf(LF);
    while (quote !== -1 || lf !== -1) {
      if (quote !== -1 && (lf === -1 || quote < lf)) {
        quoted = !quoted;
        quote = bytes.indexOf(QUOTE, quote + 1);
      } else {
        if (!quoted) ends.push(lf);
        lf = bytes.indexOf(LF, lf + 1);
      }
    }
    this.quoted = quoted;
    if (ends.length === 0) return bytes;
    const out = Buffer.allocUnsafe(bytes.length + ends.length);
    let from = 0;
    let at = 0;
    for (const end of ends) {
      at += bytes.copy(out, at, from, end);
      out[at++] = CR;
      from = end;
    }
    bytes.copy(out, at, from);
    return out;
  }

  /** True when the bytes seen end outside any quoted field, as a whole CSV must. */
  get balanced(): boolean {
    return !this.quoted;
  }
}
