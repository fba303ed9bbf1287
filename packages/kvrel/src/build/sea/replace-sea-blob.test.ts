import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replaceSeaBlob } from './replace-sea-blob.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => (dirs.push(mkdtempSync(join(tmpdir(), 'kvrel-blob-'))), dirs.at(-1)!);

const pad4 = (n: number) => (n + 3) & ~3;

function note(name: string, desc: Buffer): Buffer {
  const out = Buffer.alloc(12 + pad4(name.length + 1) + pad4(desc.length));
  out.writeUInt32LE(name.length + 1, 0);
  out.writeUInt32LE(desc.length, 4);
  out.write(name, 12, 'latin1');
  desc.copy(out, 12 + pad4(name.length + 1));
  return out;
}

/**
 * The layout node --build-sea and postject leave: a last PT_LOAD at 0x1000 holding a PT_NOTE whose
 * last note is the blob (section 1), then .shstrtab (section 2, not loaded) and the section headers.
 */
function seaLikeElf(blob: Buffer): Buffer {
  const notes = Buffer.concat([note('GNU', Buffer.from('build-id')), note('NODE_SEA_BLOB', blob)]);
  const seaNoteAt = 0x1000 + note('GNU', Buffer.from('build-id')).length;
  const loadEnd = 0x1000 + Math.ceil(notes.length / 0x1000) * 0x1000;
  const shstrtab = Buffer.from('\0.note.node.sea\0.shstrtab\0');
  const shoff = loadEnd + pad4(shstrtab.length);
  const file = Buffer.alloc(shoff + 3 * 64);
  file.writeUInt32BE(0x7f454c46, 0);
  file[4] = 2;
  file[5] = 1;
  file.writeBigUInt64LE(64n, 0x20);
  file.writeBigUInt64LE(BigInt(shoff), 0x28);
  file.writeUInt16LE(56, 0x36);
  file.writeUInt16LE(2, 0x38);
  file.writeUInt16LE(64, 0x3a);
  file.writeUInt16LE(3, 0x3c);
  const segment = (i: number, type: number, offset: number, size: number) => {
    const at = 64 + i * 56;
    file.writeUInt32LE(type, at);
    file.writeBigUInt64LE(BigInt(offset), at + 8);
    file.writeBigUInt64LE(BigInt(0x400000 + offset), at + 16);
    file.writeBigUInt64LE(BigInt(size), at + 32);
    file.writeBigUInt64LE(BigInt(size), at + 40);
  };
  segment(0, 1, 0x1000, loadEnd - 0x1000);
  segment(1, 4, 0x1000, notes.length);
  notes.copy(file, 0x1000);
  shstrtab.copy(file, loadEnd);
  const section = (i: number, type: number, flags: number, offset: number, size: number) => {
    const at = shoff + i * 64;
    file.writeUInt32LE(type, at + 4);
    file.writeBigUInt64LE(BigInt(flags), at + 8);
    file.writeBigUInt64LE(BigInt(offset), at + 24);
    file.writeBigUInt64LE(BigInt(size), at + 32);
  };
  section(1, 7, 2, seaNoteAt, 0x1000 + notes.length - seaNoteAt);
  section(2, 3, 0, loadEnd, shstrtab.length);
  return file;
}

/** The blob Node would find: the NODE_SEA_BLOB note inside the PT_NOTE segment, as the program headers say. */
function blobOf(file: Buffer): { blob: Buffer; shstrtab: string } {
  const shoff = Number(file.readBigUInt64LE(0x28));
  const noteOffset = Number(file.readBigUInt64LE(64 + 56 + 8));
  const noteSize = Number(file.readBigUInt64LE(64 + 56 + 32));
  const loadSize = Number(file.readBigUInt64LE(64 + 32));
  expect(noteOffset + noteSize).toBeLessThanOrEqual(0x1000 + loadSize);
  let pos = noteOffset;
  let blob: Buffer | undefined;
  while (pos < noteOffset + noteSize) {
    const namesz = file.readUInt32LE(pos);
    const descsz = file.readUInt32LE(pos + 4);
    if (file.toString('latin1', pos + 12, pos + 12 + namesz - 1) === 'NODE_SEA_BLOB')
      blob = file.subarray(pos + 12 + pad4(namesz), pos + 12 + pad4(namesz) + descsz);
    pos += 12 + pad4(namesz) + pad4(descsz);
  }
  const strtabAt = Number(file.readBigUInt64LE(shoff + 2 * 64 + 24));
  return { blob: blob!, shstrtab: file.toString('latin1', strtabAt, strtabAt + 10) };
}

describe('replaceSeaBlob', () => {
  it.each([
    ['a larger blob (the section headers move a page on)', 9000],
    ['a smaller blob', 10],
  ])('replaces the blob note with %s', async (_what, size) => {
    const dir = tempDir();
    const previous = join(dir, 'previous');
    writeFileSync(previous, seaLikeElf(Buffer.alloc(3000, 'a')));
    const blob = Buffer.alloc(size, 'b');
    expect(await replaceSeaBlob(previous, blob, join(dir, 'next'))).toBe(true);
    const next = blobOf(readFileSync(join(dir, 'next')));
    expect(next.blob.equals(blob)).toBe(true);
    expect(next.shstrtab).toBe('\0.note.nod');
    expect(blobOf(readFileSync(previous)).blob.equals(Buffer.alloc(3000, 'a'))).toBe(true);
  });

  it('declines a file of another layout and writes nothing', async () => {
    const dir = tempDir();
    const previous = join(dir, 'previous');
    const elf = seaLikeElf(Buffer.alloc(100, 'a'));
    elf.writeUInt32LE(1, 64 + 56); // the PT_NOTE is no note segment any more
    writeFileSync(previous, elf);
    expect(await replaceSeaBlob(previous, Buffer.alloc(10), join(dir, 'next'))).toBe(false);
    writeFileSync(previous, 'not an executable');
    expect(await replaceSeaBlob(previous, Buffer.alloc(10), join(dir, 'next'))).toBe(false);
    expect(existsSync(join(dir, 'next'))).toBe(false);
  });
});
