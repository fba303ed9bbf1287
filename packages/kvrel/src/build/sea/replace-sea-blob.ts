/**
 * A warm build's shortcut: when only the blob changed (same base, same launcher, another node's code),
 * the new executable is the previous one with its blob note rewritten, in well under a second, where
 * `node --build-sea` or postject parse and rewrite the whole ~120 MB binary (6–8 s on 2 cores).
 *
 * Both put the blob in an ELF note named NODE_SEA_BLOB, last in a PT_NOTE segment that sits at the end
 * of the last PT_LOAD segment, followed in the file only by sections the program never maps
 * (.shstrtab) and the section header table; Node finds the note at run time through the loaded
 * program headers. The note is replaced and what follows it moved; any other layout returns false and
 * the caller builds the executable anew.
 */
import { randomBytes } from 'node:crypto';
import { chmod, copyFile, open, rename, rm } from 'node:fs/promises';

/** build-sea.ts's SEA_RESOURCE_NAME: the note's name (not imported: build-sea.ts imports this file). */
const SEA_RESOURCE_NAME = 'NODE_SEA_BLOB';
const PT_LOAD = 1;
const PT_NOTE = 4;
const SHF_ALLOC = 0x2;
const PAGE = 0x1000;

interface Segment {
  readonly index: number;
  readonly type: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly filesz: number;
  readonly memsz: number;
}
interface Plan {
  readonly noteStart: number;
  readonly oldLoadEnd: number;
  readonly newLoadEnd: number;
  readonly note: Segment;
  readonly load: Segment;
  readonly sectionOfNote: Section;
  readonly movedSections: readonly Section[];
}
interface Section {
  readonly index: number;
  readonly flags: number;
  readonly offset: number;
  readonly size: number;
  readonly type: number;
}

/** Writes `outputFile` (atomically) from `previous` with `blob` as its SEA blob; false when the layout is not the expected one. */
export async function replaceSeaBlob(previous: string, blob: Buffer, outputFile: string): Promise<boolean> {
  const file = await open(previous, 'r');
  let plan: Plan | undefined;
  let tail: Buffer;
  try {
    const header = await readAt(file, 0, 64);
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2 || header[5] !== 1) return false; // ELF64, little-endian
    const phoff = Number(header.readBigUInt64LE(0x20));
    const shoff = Number(header.readBigUInt64LE(0x28));
    const segments = parseSegments(await readAt(file, phoff, header.readUInt16LE(0x36) * header.readUInt16LE(0x38)), header.readUInt16LE(0x36));
    const sections = parseSections(await readAt(file, shoff, header.readUInt16LE(0x3a) * header.readUInt16LE(0x3c)), header.readUInt16LE(0x3a));
    const size = (await file.stat()).size;
    plan = await planReplacement(file, segments, sections, shoff, size, blob.length);
    if (!plan || phoff + segments.length * header.readUInt16LE(0x36) > plan.noteStart) return false;
    tail = await readAt(file, plan.oldLoadEnd, size - plan.oldLoadEnd);
  } finally {
    await file.close();
  }
  const { noteStart, newLoadEnd, oldLoadEnd, note, load, sectionOfNote } = plan;
  const shift = newLoadEnd - oldLoadEnd;
  const temp = `${outputFile}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await copyFile(previous, temp);
    const out = await open(temp, 'r+');
    try {
      const noteBytes = Buffer.alloc(newLoadEnd - noteStart); // the note, then zeros to the page's end
      noteBytes.writeUInt32LE(SEA_RESOURCE_NAME.length + 1, 0);
      noteBytes.writeUInt32LE(blob.length, 4);
      noteBytes.writeUInt32LE(0, 8);
      noteBytes.write(SEA_RESOURCE_NAME, 12, 'latin1');
      blob.copy(noteBytes, 12 + pad4(SEA_RESOURCE_NAME.length + 1));
      const noteLength = 12 + pad4(SEA_RESOURCE_NAME.length + 1) + pad4(blob.length);
      // Section headers (in the tail) and the ELF header follow what moved.
      const header = await readAt(out, 0, 64);
      const shoff = Number(header.readBigUInt64LE(0x28));
      const shentsize = header.readUInt16LE(0x3a);
      for (const section of plan.movedSections) tail.writeBigUInt64LE(BigInt(section.offset + shift), shoff - oldLoadEnd + section.index * shentsize + 24);
      tail.writeBigUInt64LE(BigInt(noteLength), shoff - oldLoadEnd + sectionOfNote.index * shentsize + 32);
      header.writeBigUInt64LE(BigInt(shoff + shift), 0x28);
      await out.write(noteBytes, 0, noteBytes.length, noteStart);
      await out.write(tail, 0, tail.length, newLoadEnd);
      await out.truncate(newLoadEnd + tail.length);
      await out.write(header, 0, 64, 0);
      const phoff = Number(header.readBigUInt64LE(0x20));
      const phentsize = header.readUInt16LE(0x36);
      const noteSize = BigInt(noteStart + noteLength - note.offset);
      const loadSize = BigInt(newLoadEnd - load.offset);
      await writeSegmentSizes(out, phoff + note.index * phentsize, noteSize, noteSize);
      await writeSegmentSizes(out, phoff + load.index * phentsize, loadSize, loadSize);
    } finally {
      await out.close();
    }
    await chmod(temp, 0o755);
    await rename(temp, outputFile);
    return true;
  } finally {
    await rm(temp, { force: true });
  }
}

/** Where the blob note is and what moves with it; undefined for any layout but the expected one. */
async function planReplacement(
  file: Awaited<ReturnType<typeof open>>,
  segments: Segment[],
  sections: Section[],
  shoff: number,
  size: number,
  blobLength: number,
): Promise<Plan | undefined> {
  const loads = segments.filter((s) => s.type === PT_LOAD);
  const load = loads.reduce((a, b) => (b.offset > a.offset ? b : a));
  if (loads.some((s) => s.vaddr > load.vaddr) || load.filesz !== load.memsz) return undefined;
  const oldLoadEnd = load.offset + load.filesz;
  if (oldLoadEnd % PAGE !== 0 || (load.offset - load.vaddr) % PAGE !== 0) return undefined;
  for (const note of segments.filter((s) => s.type === PT_NOTE)) {
    if (note.offset < load.offset || note.offset + note.filesz > oldLoadEnd) continue;
    const bytes = await readAt(file, note.offset, note.filesz);
    const noteStart = lastNoteNamed(bytes, SEA_RESOURCE_NAME);
    if (noteStart === undefined) continue;
    const start = note.offset + noteStart;
    const sectionOfNote = sections.find((s) => s.offset === start && s.offset + s.size === note.offset + note.filesz);
    const movedSections = sections.filter((s) => s.offset >= oldLoadEnd && s.type !== 8 /* NOBITS */);
    const inBetween = sections.filter((s) => s !== sectionOfNote && s.size > 0 && s.type !== 8 && s.offset >= start && s.offset < oldLoadEnd);
    if (!sectionOfNote || inBetween.length > 0 || movedSections.some((s) => (s.flags & SHF_ALLOC) !== 0) || shoff < oldLoadEnd || shoff > size)
      return undefined;
    const noteLength = 12 + pad4(SEA_RESOURCE_NAME.length + 1) + pad4(blobLength);
    const newLoadEnd = load.offset + Math.ceil((start + noteLength - load.offset) / PAGE) * PAGE;
    return { noteStart: start, oldLoadEnd, newLoadEnd, note, load, sectionOfNote, movedSections };
  }
  return undefined;
}

/** Offset of the note named `name` within a PT_NOTE's bytes, if it is the last note there. */
function lastNoteNamed(bytes: Buffer, name: string): number | undefined {
  let pos = 0;
  while (pos + 12 <= bytes.length) {
    const namesz = bytes.readUInt32LE(pos);
    const descsz = bytes.readUInt32LE(pos + 4);
    const next = pos + 12 + pad4(namesz) + pad4(descsz);
    if (namesz === name.length + 1 && bytes.toString('latin1', pos + 12, pos + 12 + name.length) === name) return next === bytes.length ? pos : undefined;
    pos = next;
  }
  return undefined;
}

function parseSegments(table: Buffer, entsize: number): Segment[] {
  return Array.from({ length: table.length / entsize }, (_, index) => {
    const at = index * entsize;
    return {
      index,
      type: table.readUInt32LE(at),
      offset: Number(table.readBigUInt64LE(at + 8)),
      vaddr: Number(table.readBigUInt64LE(at + 16)),
      filesz: Number(table.readBigUInt64LE(at + 32)),
      memsz: Number(table.readBigUInt64LE(at + 40)),
    };
  });
}

function parseSections(table: Buffer, entsize: number): Section[] {
  return Array.from({ length: table.length / entsize }, (_, index) => {
    const at = index * entsize;
    return {
      index,
      type: table.readUInt32LE(at + 4),
      flags: Number(table.readBigUInt64LE(at + 8)),
      offset: Number(table.readBigUInt64LE(at + 24)),
      size: Number(table.readBigUInt64LE(at + 32)),
    };
  });
}

async function writeSegmentSizes(file: Awaited<ReturnType<typeof open>>, at: number, filesz: bigint, memsz: bigint): Promise<void> {
  const sizes = Buffer.alloc(16);
  sizes.writeBigUInt64LE(filesz, 0);
  sizes.writeBigUInt64LE(memsz, 8);
  await file.write(sizes, 0, 16, at + 32);
}

async function readAt(file: Awaited<ReturnType<typeof open>>, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}
