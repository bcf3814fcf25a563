/**
 * A short curated list of Vietnamese abusive words and phrases, in folded form (src/text/fold.ts: lower
 * case, no diacritics, single spaces), matched as whole words on a comment's folded text. Folding merges
 * words that differ only by their marks, so single syllables that are also ordinary words once folded
 * ("lớn" and the obscene one both fold to "lon") are listed only inside unambiguous phrases.
 */
export const ABUSIVE_WORDS: readonly string[] = [
  "dit me", "dit con me", "dit cu", "du ma", "du me", "dm", "dmm", "dcm", "dkm", "vcl", "vkl", "vl", "clgt", "cmm",
  "oc cho", "do cho", "cho chet", "con cho", "mat day", "khon nan", "suc vat", "thang ngu", "con ngu", "do ngu",
  "ngu nhu bo", "ngu nhu cho", "mat lon", "cai lon", "vai lon", "ba lon", "cut di", "bo lao", "lua dao", "dau buoi",
];
