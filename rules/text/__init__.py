"""Text normalisation for matching, with an offset map back to the original text.

:func:`normalize` turns listing text into two aligned strings of equal length:

* ``text``: NFC, lower case (Vietnamese-aware), zero-width and control characters removed,
  stylised letters folded (NFKC: full-width, mathematical alphanumerics, circled letters),
  homoglyphs folded (Cyrillic/Greek look-alikes), leetspeak undone inside alphabetic tokens
  ("ch@nel", "d10r", "nộ1 đị4" after a Vietnamese letter; never "500ml", "1:1", "2024", "f1",
  "ps4", "$50"), runs of single letters rejoined ("f.a.k.e", "r e p", "v🔥a🔥p🔥e"; a wider gap
  between letters spaced one apart is a word break: "h à n g  n ộ i" → "hàng nội"), one "." or
  "_" inside a word removed ("va.pe", "fa_ke", "xá.ch t.ay") or, between two words, made a space
  ("hàng.fake", "order_taobao"), whitespace runs collapsed and teencode expanded ("ko" →
  "không", "hàg" → "hàng", see :mod:`rules.textdata`). Diacritics are kept.
  Disguises undone too: the marks after a stylised letter are kept ("𝘁𝗵𝘂𝗼̂́𝗰" → "thuốc"), words
  run together are broken where a side is Vietnamese ("DaoGăm", "Giảm10cmVòngEo"; not "iPhone",
  "SamSung"), letters split by emoji are rejoined with the spaces between words kept ("Q⭐u⭐á
  d⭐a⭐t⭐e" → "quá date"), and dotted dates ("h.s.d t.8./.2.0.2.6" → "hsd t8/2026"), and leet
  digits 5/7/8/9 and "!"/"@" are undone where the word becomes Vietnamese ("7rị", "Thá! L@n").
* ``folded``: ``text`` without diacritics ("đ" → "d"), character for character.

Every step that changes the length records its edits, so :meth:`NormText.to_original` maps any
span of the normalised text back to a span of the original. Steps that keep the length are plain
substitutions. The common case (ordinary Vietnamese text) runs on C-level string methods and
pre-compiled regular expressions only: text in the common alphabet (ASCII and Vietnamese letters,
:mod:`rules.charmap`) is also held one byte per character, so that each pass's "does this apply?"
test is a substring search and folding a byte translation. Decomposed (NFD) text, a quarter of
real titles, is composed letter by letter (:func:`_nfc`) and then takes the same one-byte path.
"""

from __future__ import annotations

# Every top-level name of the former single module ``rules/text.py``, re-exported from the module
# that now owns it (``name as name`` marks a re-export): the rules modules and the tests import
# private names too (``_CHARMAP``, ``_STRETCH_HINT``...). Patch a name in its owning module.
from rules.text.camel import _CAMEL as _CAMEL
from rules.text.camel import _CAMEL_HINT as _CAMEL_HINT
from rules.text.camel import _CAMEL_LOWER as _CAMEL_LOWER
from rules.text.camel import _CAMEL_NEEDLES as _CAMEL_NEEDLES
from rules.text.camel import _CAMEL_TOKEN_MAX as _CAMEL_TOKEN_MAX
from rules.text.camel import _CAMEL_UPPER as _CAMEL_UPPER
from rules.text.camel import _DIA_CLASS as _DIA_CLASS
from rules.text.camel import _MATH as _MATH
from rules.text.camel import _NEAR as _NEAR
from rules.text.camel import _camel_cuts as _camel_cuts
from rules.text.camel import _camel_edits as _camel_edits
from rules.text.camel import _camel_fast as _camel_fast
from rules.text.camel import _camel_pass as _camel_pass
from rules.text.camel import _camel_split as _camel_split
from rules.text.camel import _case_class as _case_class
from rules.text.camel import _case_disguise as _case_disguise
from rules.text.camel import _dia_near as _dia_near
from rules.text.camel import _digit_cut as _digit_cut
from rules.text.camel import _digit_dia as _digit_dia
from rules.text.camel import _leet_word as _leet_word
from rules.text.camel import _plain_cut as _plain_cut
from rules.text.core import normalize as normalize
from rules.text.core import normalize_reference as normalize_reference
from rules.text.core import normalize_term as normalize_term
from rules.text.leet import _DELEET as _DELEET
from rules.text.leet import _INNER_BEFORE as _INNER_BEFORE
from rules.text.leet import _INNER_MAX as _INNER_MAX
from rules.text.leet import _LEET_ALL as _LEET_ALL
from rules.text.leet import _LX_ANY as _LX_ANY
from rules.text.leet import _LX_CLASSIC as _LX_CLASSIC
from rules.text.leet import _LX_DIA as _LX_DIA
from rules.text.leet import _LX_MEMO as _LX_MEMO
from rules.text.leet import _LX_NEW as _LX_NEW
from rules.text.leet import _LX_NEXT as _LX_NEXT
from rules.text.leet import _LX_POS as _LX_POS
from rules.text.leet import _ONSET as _ONSET
from rules.text.leet import _PRONOUNCEABLE as _PRONOUNCEABLE
from rules.text.leet import _SYLLABLE as _SYLLABLE
from rules.text.leet import _TONE_MARKS as _TONE_MARKS
from rules.text.leet import _deleet as _deleet
from rules.text.leet import _deleet_extra as _deleet_extra
from rules.text.leet import _deleet_token as _deleet_token
from rules.text.leet import _inner_edits as _inner_edits
from rules.text.leet import _inner_hint as _inner_hint
from rules.text.leet import _inner_marks as _inner_marks
from rules.text.leet import _leet as _leet
from rules.text.leet import _leet_extra as _leet_extra
from rules.text.leet import _leetx_fast as _leetx_fast
from rules.text.leet import _leetx_hint as _leetx_hint
from rules.text.leet import _rejoin as _rejoin
from rules.text.leet import _rejoin_edits as _rejoin_edits
from rules.text.leet import _split_edits as _split_edits
from rules.text.leet import _token_tail as _token_tail
from rules.text.leet import _vn_distinct as _vn_distinct
from rules.text.leet import _vn_syllable as _vn_syllable
from rules.text.leet import one_syllable as one_syllable
from rules.text.nfc import _MARK_HINT as _MARK_HINT
from rules.text.nfc import _NFC_RUNS as _NFC_RUNS
from rules.text.nfc import _STYLED as _STYLED
from rules.text.nfc import _STYLED_MARKS_RE as _STYLED_MARKS_RE
from rules.text.nfc import _nfc as _nfc
from rules.text.nfc import _nfc_reference as _nfc_reference
from rules.text.nfc import _special_edits as _special_edits
from rules.text.nfc import _special_fast as _special_fast
from rules.text.nfc import _styled_compose as _styled_compose
from rules.text.nfc import _styled_letters as _styled_letters
from rules.text.nfc import _styled_marks as _styled_marks
from rules.text.nfc import _styled_rep as _styled_rep
from rules.text.nfc import _ws_edits as _ws_edits
from rules.text.nfc import _ws_rep as _ws_rep
from rules.text.separators import _DIGIT_RUN as _DIGIT_RUN
from rules.text.separators import _DOT_UNIT_DOT as _DOT_UNIT_DOT
from rules.text.separators import _DOTNUM_RE as _DOTNUM_RE
from rules.text.separators import _DOTWORD_BEFORE as _DOTWORD_BEFORE
from rules.text.separators import _EMOJI_HINT as _EMOJI_HINT
from rules.text.separators import _EMOJI_IN_WORD as _EMOJI_IN_WORD
from rules.text.separators import _EMOJI_RUN as _EMOJI_RUN
from rules.text.separators import _FILLER_HINT as _FILLER_HINT
from rules.text.separators import _FILLER_RE as _FILLER_RE
from rules.text.separators import _FILLERS as _FILLERS
from rules.text.separators import _INVISIBLE as _INVISIBLE
from rules.text.separators import _NOT_UNIT as _NOT_UNIT
from rules.text.separators import _SIZE_LETTERS as _SIZE_LETTERS
from rules.text.separators import _SPACED_DATE as _SPACED_DATE
from rules.text.separators import _SPACED_DATE_HINT as _SPACED_DATE_HINT
from rules.text.separators import _SPACED_LEET as _SPACED_LEET
from rules.text.separators import _SPACED_LEET_HINT as _SPACED_LEET_HINT
from rules.text.separators import _SYM as _SYM
from rules.text.separators import _SYM_CLASS as _SYM_CLASS
from rules.text.separators import _SYMSEP_HINT as _SYMSEP_HINT
from rules.text.separators import _SYMSEP_RE as _SYMSEP_RE
from rules.text.separators import _UNDERSCORE_CHAIN as _UNDERSCORE_CHAIN
from rules.text.separators import _UNIT as _UNIT
from rules.text.separators import _WIDE_HINT as _WIDE_HINT
from rules.text.separators import _WIDE_RUN as _WIDE_RUN
from rules.text.separators import _WIDESEP_CLASSES as _WIDESEP_CLASSES
from rules.text.separators import _WIDESEP_GATE as _WIDESEP_GATE
from rules.text.separators import _WIDESEP_UNITS as _WIDESEP_UNITS
from rules.text.separators import _WSEP as _WSEP
from rules.text.separators import _dotnum_edits as _dotnum_edits
from rules.text.separators import _dotnum_hint as _dotnum_hint
from rules.text.separators import _dotnum_pass as _dotnum_pass
from rules.text.separators import _emoji_word_edits as _emoji_word_edits
from rules.text.separators import _emoji_word_pass as _emoji_word_pass
from rules.text.separators import _filler_edits as _filler_edits
from rules.text.separators import _filler_pass as _filler_pass
from rules.text.separators import _plain_piece as _plain_piece
from rules.text.separators import _spaced_leet_edits as _spaced_leet_edits
from rules.text.separators import _symsep as _symsep
from rules.text.separators import _underscore_edits as _underscore_edits
from rules.text.separators import _underscore_pass as _underscore_pass
from rules.text.separators import _widesep_edits as _widesep_edits
from rules.text.separators import _widesep_gate as _widesep_gate
from rules.text.separators import _widesep_pass as _widesep_pass
from rules.text.spans import NormText as NormText
from rules.text.spans import PassMap as PassMap
from rules.text.spans import _apply as _apply
from rules.text.spans import _edit_pass as _edit_pass
from rules.text.spans import _lazy as _lazy
from rules.text.spans import logger as logger
from rules.text.stretch import _BASE_A as _BASE_A
from rules.text.stretch import _BASE_B as _BASE_B
from rules.text.stretch import _DIA_LOWER_CLASS as _DIA_LOWER_CLASS
from rules.text.stretch import _DIA_RE as _DIA_RE
from rules.text.stretch import _DOUBLE_A as _DOUBLE_A
from rules.text.stretch import _DOUBLE_B as _DOUBLE_B
from rules.text.stretch import _DOUBLE_CONSONANT as _DOUBLE_CONSONANT
from rules.text.stretch import _ECHO_BASE as _ECHO_BASE
from rules.text.stretch import _ECHO_BASES as _ECHO_BASES
from rules.text.stretch import _ECHO_CLASSES as _ECHO_CLASSES
from rules.text.stretch import _ECHO_FAMILY as _ECHO_FAMILY
from rules.text.stretch import _ECHO_RUN as _ECHO_RUN
from rules.text.stretch import _ECHO_WORD as _ECHO_WORD
from rules.text.stretch import _NO_VOWEL as _NO_VOWEL
from rules.text.stretch import _ROMAN as _ROMAN
from rules.text.stretch import _RUN as _RUN
from rules.text.stretch import _RUN2 as _RUN2
from rules.text.stretch import _RUN3 as _RUN3
from rules.text.stretch import _RUN3_SQUEEZE as _RUN3_SQUEEZE
from rules.text.stretch import _STRETCH3_MEMO as _STRETCH3_MEMO
from rules.text.stretch import _STRETCH_HINT as _STRETCH_HINT
from rules.text.stretch import _STRETCH_SURE as _STRETCH_SURE
from rules.text.stretch import _TRAILING_RUN as _TRAILING_RUN
from rules.text.stretch import _TRAILING_VOWELS as _TRAILING_VOWELS
from rules.text.stretch import _UNITS as _UNITS
from rules.text.stretch import _WORD_RE as _WORD_RE
from rules.text.stretch import _base_bytes as _base_bytes
from rules.text.stretch import _base_double_marks as _base_double_marks
from rules.text.stretch import _double_marks as _double_marks
from rules.text.stretch import _doubles as _doubles
from rules.text.stretch import _drop_echo as _drop_echo
from rules.text.stretch import _echo_edits as _echo_edits
from rules.text.stretch import _echo_hint as _echo_hint
from rules.text.stretch import _echo_letter as _echo_letter
from rules.text.stretch import _echo_pass as _echo_pass
from rules.text.stretch import _exact_doubles as _exact_doubles
from rules.text.stretch import _letter_bytes as _letter_bytes
from rules.text.stretch import _squeeze_plain as _squeeze_plain
from rules.text.stretch import _squeeze_vn as _squeeze_vn
from rules.text.stretch import _stretch3_edits as _stretch3_edits
from rules.text.stretch import _stretch3_fast as _stretch3_fast
from rules.text.stretch import _stretch3_pass as _stretch3_pass
from rules.text.stretch import _stretch3_word as _stretch3_word
from rules.text.stretch import _stretch_echo_pass as _stretch_echo_pass
from rules.text.stretch import _stretch_edits as _stretch_edits
from rules.text.stretch import _stretch_pass as _stretch_pass
from rules.text.stretch import _stretch_sure as _stretch_sure
from rules.text.stretch import _stretch_sure_enc as _stretch_sure_enc
from rules.text.stretch import _unstretch as _unstretch
from rules.text.tables import _ALNUM_CLASSES as _ALNUM_CLASSES
from rules.text.tables import _ASCII_LETTERS as _ASCII_LETTERS
from rules.text.tables import _CASE_DIGIT_CLASSES as _CASE_DIGIT_CLASSES
from rules.text.tables import _CHARMAP as _CHARMAP
from rules.text.tables import _CLASSES as _CLASSES
from rules.text.tables import _DIA as _DIA
from rules.text.tables import _DIA_LOWER as _DIA_LOWER
from rules.text.tables import _DIGIT_DIA_CLASSES as _DIGIT_DIA_CLASSES
from rules.text.tables import _DOT_AS_SEP as _DOT_AS_SEP
from rules.text.tables import _EXOTIC_RE as _EXOTIC_RE
from rules.text.tables import _FAST_FOLD as _FAST_FOLD
from rules.text.tables import _FOLD_BYTES as _FOLD_BYTES
from rules.text.tables import _FOLD_STR as _FOLD_STR
from rules.text.tables import _FOLD_TABLE as _FOLD_TABLE
from rules.text.tables import _GENERIC_MARKS as _GENERIC_MARKS
from rules.text.tables import _JAMO_RE as _JAMO_RE
from rules.text.tables import _LEET_CHARS as _LEET_CHARS
from rules.text.tables import _LEET_HINT as _LEET_HINT
from rules.text.tables import _LEETX_ADJ_CLASSES as _LEETX_ADJ_CLASSES
from rules.text.tables import _LEETX_DELETE as _LEETX_DELETE
from rules.text.tables import _LEETX_DIA_CLASSES as _LEETX_DIA_CLASSES
from rules.text.tables import _LETTER as _LETTER
from rules.text.tables import _LETTER_RE as _LETTER_RE
from rules.text.tables import _LOWER_BYTES as _LOWER_BYTES
from rules.text.tables import _LX_TOKEN_CLASSES as _LX_TOKEN_CLASSES
from rules.text.tables import _MAP as _MAP
from rules.text.tables import _MARK_CLASS as _MARK_CLASS
from rules.text.tables import _MARKS as _MARKS
from rules.text.tables import _NEWLINE_AS_SPACE as _NEWLINE_AS_SPACE
from rules.text.tables import _NFC_CHARMAP as _NFC_CHARMAP
from rules.text.tables import _NFC_MARK_CLASSES as _NFC_MARK_CLASSES
from rules.text.tables import _NON_LEET_DIGITS as _NON_LEET_DIGITS
from rules.text.tables import _RANGES as _RANGES
from rules.text.tables import _SEPS as _SEPS
from rules.text.tables import _SPECIAL as _SPECIAL
from rules.text.tables import _SPECIAL_HINT as _SPECIAL_HINT
from rules.text.tables import _SPECIAL_RE as _SPECIAL_RE
from rules.text.tables import _SPECIAL_SUB as _SPECIAL_SUB
from rules.text.tables import _SPLIT_HINT as _SPLIT_HINT
from rules.text.tables import _SPLIT_HINT_CLS as _SPLIT_HINT_CLS
from rules.text.tables import _SPLIT_RE as _SPLIT_RE
from rules.text.tables import _SPLIT_SEP as _SPLIT_SEP
from rules.text.tables import _SPLIT_SEP_NOSPACE as _SPLIT_SEP_NOSPACE
from rules.text.tables import _SYMBOL_LETTERS as _SYMBOL_LETTERS
from rules.text.tables import _TEEN_ENC as _TEEN_ENC
from rules.text.tables import _TEEN_HINTS as _TEEN_HINTS
from rules.text.tables import _TEEN_KEYS as _TEEN_KEYS
from rules.text.tables import _TOKEN_RE as _TOKEN_RE
from rules.text.tables import _TOKEN_TAIL as _TOKEN_TAIL
from rules.text.tables import _VN_MARKS as _VN_MARKS
from rules.text.tables import _WORD_GAP as _WORD_GAP
from rules.text.tables import _WS_RE as _WS_RE
from rules.text.tables import SEPARATOR as SEPARATOR
from rules.text.tables import _accented_homoglyph as _accented_homoglyph
from rules.text.tables import _build_tables as _build_tables
from rules.text.tables import _char_class as _char_class
from rules.text.tables import _common_alphabet as _common_alphabet
from rules.text.tables import _find_all as _find_all
from rules.text.tables import _fold as _fold
from rules.text.tables import _key as _key
from rules.text.tables import _leet_hint as _leet_hint
from rules.text.tables import _leet_hints as _leet_hints
from rules.text.tables import _map_char as _map_char
from rules.text.tables import _rep as _rep
from rules.text.tables import _split_hint as _split_hint
from rules.text.tables import _split_hints as _split_hints
from rules.text.tables import _wordish as _wordish
from rules.text.tables import fold as fold
from rules.text.tables import fold_pattern as fold_pattern
from rules.text.teencode import _HAT_NEXT as _HAT_NEXT
from rules.text.teencode import _TEEN_BEFORE as _TEEN_BEFORE
from rules.text.teencode import _TEEN_ONSETS as _TEEN_ONSETS
from rules.text.teencode import _TEENSOUND_CLASSES as _TEENSOUND_CLASSES
from rules.text.teencode import _TEENSOUND_HINT as _TEENSOUND_HINT
from rules.text.teencode import _TEENSOUND_RE as _TEENSOUND_RE
from rules.text.teencode import _TELEX_LETTERS as _TELEX_LETTERS
from rules.text.teencode import _TYPED_MEMO as _TYPED_MEMO
from rules.text.teencode import _TYPED_SHAPE as _TYPED_SHAPE
from rules.text.teencode import _TYPING_CLASSES as _TYPING_CLASSES
from rules.text.teencode import _TYPING_HATS as _TYPING_HATS
from rules.text.teencode import _TYPING_TOKEN as _TYPING_TOKEN
from rules.text.teencode import _TYPING_TONES as _TYPING_TONES
from rules.text.teencode import _TYPING_VOWELS as _TYPING_VOWELS
from rules.text.teencode import _VN_MARKED as _VN_MARKED
from rules.text.teencode import _VNI_LETTERS as _VNI_LETTERS
from rules.text.teencode import _VNI_TONES as _VNI_TONES
from rules.text.teencode import _hats_valid as _hats_valid
from rules.text.teencode import _place_tone as _place_tone
from rules.text.teencode import _teen_edits as _teen_edits
from rules.text.teencode import _teen_pass as _teen_pass
from rules.text.teencode import _teen_splice as _teen_splice
from rules.text.teencode import _teensound_edits as _teensound_edits
from rules.text.teencode import _teensound_pass as _teensound_pass
from rules.text.teencode import _teensound_word as _teensound_word
from rules.text.teencode import _typed_word as _typed_word
from rules.text.teencode import _typed_word_memo as _typed_word_memo
from rules.text.teencode import _typing_edits as _typing_edits
from rules.text.teencode import _typing_pass as _typing_pass
from rules.text.teencode import _typing_words as _typing_words
