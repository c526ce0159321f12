/**
 * UTF-8 output in pieces of at most 1 MiB (a text longer than that comes whole): each text is
 * written into the current piece as it comes. Appending a piece's texts to one string first
 * builds a rope that encoding must flatten, and one Chinese name makes the whole piece two-byte
 * text: that took longer than formatting the rows (docs/architecture.md).
 */
const PIECE_BYTES = 1 << 20;

export class Utf8Pieces {
  private buf = Buffer.allocUnsafe(PIECE_BYTES);
  private at = 0;

  /** Writes `text`; returns the piece it closed to make room, else null. */
  write(text: string): Buffer | null {
    let full: Buffer | null = null;
    // At most 3 bytes of UTF-8 per UTF-16 unit.
    if (this.at + text.length * 3 > this.buf.length) {
      if (this.at > 0) full = this.buf.subarray(0, this.at);
      this.buf = Buffer.allocUnsafe(Math.max(PIECE_BYTES, text.length * 3));
      this.at = 0;
    }
    this.at += this.buf.write(text, this.at);
    return full;
  }

  /** The last piece: what was written since the last one closed (empty when nothing was written at all). */
  end(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}
