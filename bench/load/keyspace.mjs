// The keyspace shared by every client: bucket names whose first letters spread over a set of
// letters (kvload's "abkt0" style), key names, and a value that is a pure function of the key, so
// any GET reply can be checked without remembering what was written.
const ALPHABET36 = '0123456789abcdefghijklmnopqrstuvwxyz';
export const ALL_LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** ["abkt0", "bbkt1", ...]: bucket b starts with letters[b % letters.length]. */
export function bucketNames(count, letters = ALL_LETTERS) {
  return Array.from({ length: count }, (_, b) => `${letters[b % letters.length]}bkt${b}`);
}

/** Key k lives in bucket k % buckets.length (as kvload does). */
export function bucketOf(buckets, k) {
  return buckets[k % buckets.length];
}

/** `size` bytes of [a-z0-9-]: the key in base 36, "-", then filler from a 32-bit hash of the key. */
export function valueOf(k, size) {
  let out = k.toString(36).slice(0, size);
  if (out.length < size) out += '-';
  let h = Math.imul(k ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  while (out.length < size) {
    out += ALPHABET36[h % 36];
    h = (Math.imul(h, 1664525) + 1013904223) >>> 0;
  }
  return out;
}
