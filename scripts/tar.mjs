// A gzipped tar archive (POSIX ustar) from a list of entries, written without a tar binary so that the
// release artifact is the same on every machine: owner root, fixed mode and time, entries in the given order.
import { gzipSync } from 'node:zlib';

const BLOCK = 512;

/** One header field: a string, zero-padded into `length` bytes at `offset`. */
function put(header, offset, length, text) {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > length) throw new Error(`tar: "${text}" does not fit a ${length}-byte header field`);
  bytes.copy(header, offset);
}

/** A number as the octal digits tar expects, NUL-terminated. */
function octal(value, length) {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

function header({ name, mode, size, mtime, directory }) {
  const h = Buffer.alloc(BLOCK);
  put(h, 0, 100, name);
  put(h, 100, 8, octal(mode, 8));
  put(h, 108, 8, octal(0, 8)); // uid
  put(h, 116, 8, octal(0, 8)); // gid
  put(h, 124, 12, octal(size, 12));
  put(h, 136, 12, octal(mtime, 12));
  put(h, 148, 8, '        '); // the checksum counts its own field as spaces
  put(h, 156, 1, directory ? '5' : '0');
  put(h, 257, 6, 'ustar\0');
  put(h, 263, 2, '00');
  put(h, 265, 32, 'root');
  put(h, 297, 32, 'root');
  const sum = h.reduce((n, byte) => n + byte, 0);
  put(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

/**
 * entries: { name, mode, data? } in archive order; an entry without data is a directory (name ends in '/').
 * mtime: seconds since the epoch, the same for every entry.
 */
export function tgz(entries, mtime) {
  const parts = [];
  for (const e of entries) {
    const directory = e.data === undefined;
    const size = directory ? 0 : e.data.length;
    parts.push(header({ name: e.name, mode: e.mode, size, mtime, directory }));
    if (directory) continue;
    parts.push(e.data);
    const pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(2 * BLOCK)); // end of archive
  return gzipSync(Buffer.concat(parts), { level: 9 });
}
