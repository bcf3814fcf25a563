/**
 * Fold Vietnamese text for matching: lower case, no diacritics (đ → d), single spaces.
 * "Phường Đông Kinh" → "phuong dong kinh"; "Hoà" and "Hòa" both → "hoa".
 */
export function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()
    .replace(/\s+/g, " ");
}

const UNIT_TYPE_WORDS = /^(xa|phuong|thi tran|thanh pho|thi xa|huyen|quan|dac khu)\s+/;

/** A unit's name key: folded, without its type word ("Xã Mai Pha" → "mai pha"). */
export function unitNameKey(name: string): string {
  return fold(name).replace(UNIT_TYPE_WORDS, "");
}
