"""Brand index: exact mentions, obfuscated mentions and look-alike marks.

Brand names and aliases are ordinary terms of the one automaton (accent-insensitive). On top:

* **ambiguous** brands ("Apple", "Omega", "Royal") and **weak** aliases ("LV", "CK") count as a
  mention only when one of the brand's product types ("túi", "đồng hồ", ...) is in the same field;
* a mention whose original text differs from its normalised form beyond case, accents and spacing
  ("Ch@nel", "𝐌𝐋𝐁", "G U C C I", "C.a.r.t.i.e.r", Cyrillic "Сhanel") is an **obfuscated** mention,
  also reported as a look-alike;
* known look-alike marks (``fakes`` in brands.yaml, "Lafufu") and brand words split by a space or
  punctuation ("La Coste", "Sam-sung") are terms of the automaton too (sources ``fake``, ``spaced``);
* ASCII words of four letters or more that are neither brand words nor ordinary words are compared
  with brand words: same visual skeleton ("Nlke" = "Nike", "Purna" = "Puma"), or a small edit
  distance with rapidfuzz ("Adidos", "Guccii", "Pumma", "Rolax"); the distance is optimal string
  alignment, so two neighbouring letters swapped count as one edit ("Rloex", "Maktia"). Results are cached
  per word, so each distinct word costs one fuzzy lookup per process.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from rules.matcher import TermIndex
from rules.schema import BrandModel, BrandsFile, Problem
from rules.text import fold
from rules.textdata import PUNCTUATION

logger = logging.getLogger(__name__)

_WORD4 = re.compile(r"[a-z][a-z0-9]{3,}")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_PUNCT = str.maketrans(PUNCTUATION)
_CACHE_LIMIT = 200_000
_MODEL_SUFFIXES = frozenset({"s", "es", "x", "xs", "xr", "se", "c", "i", "e", "pro", "plus", "max", "mini"})
_TRIPLE = re.compile(r"([a-z])\1{2,}")
_DOUBLE = re.compile(r"([a-z])\1+")
_VOWELS = frozenset("aeiouy")
_ASCII_WORD = re.compile(r"(?<![^\W_])[a-z]+(?![^\W_])")  # a whole word of plain letters
_JOINERS = frozenset({" ", " & ", " and ", " và ", "&"})  # between the words of a name ("Charless & Keith")
_SKELETON = (("rn", "m"), ("vv", "w"), ("l", "i"))  # letters that look alike in a listing title


def skeleton(word: str) -> str:
    for a, b in _SKELETON:
        word = word.replace(a, b)
    return word


@dataclass(slots=True)
class BrandInfo:
    index: int
    name: str
    tags: frozenset[str]
    types: frozenset[str]
    prices: dict[str, int]
    ambiguous: bool


@dataclass(frozen=True, slots=True)
class BrandHit:
    start: int
    end: int
    brand: int
    kind: str  # "mention" | "lookalike"
    detail: str
    source: str = "exact"  # exact | fake | spaced | fuzzy | obfuscated


def _spelt_right(target: str, folded: str) -> bool:
    return re.search(f"(?<![a-z0-9]){re.escape(target)}(?![a-z0-9])", folded) is not None


class BrandIndex:
    def __init__(self, data: BrandsFile, terms: TermIndex, problems: list[Problem], file: str) -> None:
        self.brands: list[BrandInfo] = []
        self.type_terms: dict[int, list[str]] = {}  # term id -> product type names
        self.brand_terms: dict[
            int, list[tuple[int, bool, str, str]]
        ] = {}  # term id -> [(brand, needs type, kind, word)]
        self.product_types = set(data.product_types)
        self.tags = set(data.tag_types)
        self._targets: dict[int, list[tuple[str, int]]] = {}  # length -> [(word, brand)]
        self._windows: dict[int, tuple[list[tuple[str, int]], list[str]]] = {}  # see _fuzzy
        self._skeletons: dict[str, tuple[int, str]] = {}  # skeleton -> (brand, word)
        self._squeezed: dict[
            str, tuple[int, str]
        ] = {}  # word with doubled letters made single -> (brand, word)
        self._squeezed_near: dict[int, list[str]] = {}  # length -> keys of _squeezed one letter or less away
        # first letters of its words -> [(name of two or three words, brand)]
        self._multi: dict[str, list[tuple[str, int]]] = {}
        self._multi_cache: dict[str, tuple[int, str] | None] = {}
        self._parts: dict[str, list[str]] = {}  # first letter -> words of those names
        self._part_cache: dict[str, bool] = {}  # word -> within one edit of a word of those names
        self._names: set[str] = set()  # whole brand names and aliases
        # brands whose look-alikes count only beside their product types (source "typed"): names that are
        # ordinary words ("Marshall", "Beats") or marked ``lookalike: false``
        self._typed: dict[
            tuple[str, str], list[tuple[str, int]]
        ] = {}  # (first, last letter) -> [(name, brand)]
        self._exact: set[str] = set()
        self._allow = {fold(w.lower()) for w in data.lookalike_allow}
        self._common = {fold(w.lower()) for w in data.spaced_common}
        self._cache: dict[str, tuple[int, str] | tuple[int, str, bool] | None] = {}
        self.per_100ml = frozenset(data.per_100ml)
        for name, words in data.product_types.items():
            for word in words:
                tid = terms.add(word, accents="as_written")
                if tid is None:
                    problems.append(
                        Problem(file, f"product type term {word!r} is empty", field=f"product_types.{name}")
                    )
                else:
                    self.type_terms.setdefault(tid, []).append(name)
        for tag, types in data.tag_types.items():
            for t in set(types) - self.product_types:
                problems.append(Problem(file, f"unknown product type {t!r}", field=f"tag_types.{tag}"))
        seen: dict[str, str] = {}
        for b in data.brands:
            self._add_brand(b, data, terms, problems, file, seen)
        for b, info in zip(data.brands, self.brands, strict=True):
            self._add_spaced(b, info, terms)
        logger.debug("brand index: %d brands, %d look-alike targets", len(self.brands), len(self._skeletons))

    def _add_brand(
        self,
        b: BrandModel,
        data: BrandsFile,
        terms: TermIndex,
        problems: list[Problem],
        file: str,
        seen: dict[str, str],
    ) -> None:
        where = f"brands.{b.name}"
        for tag in b.tags:
            if tag not in data.tag_types:
                problems.append(Problem(file, f"unknown tag {tag!r} (add it to tag_types)", field=where))
        for t in list(b.types) + list(b.prices):
            if t not in self.product_types:
                problems.append(Problem(file, f"unknown product type {t!r}", field=where))
        types = frozenset(b.types) | frozenset(b.prices)
        for tag in b.tags:
            types |= frozenset(data.tag_types.get(tag, ()))
        info = BrandInfo(len(self.brands), b.name, frozenset(b.tags), types, dict(b.prices), b.ambiguous)
        self.brands.append(info)
        words = [(w, b.ambiguous and w == b.name, "mention") for w in [b.name, *b.aliases]]
        words += [(w, True, "mention") for w in b.weak] + [(w, False, "fake") for w in b.fakes]
        # a name of several words also written run together ("FearOfGod", "TheNorthFace", "hadalabo")
        joined = {"".join(p) for w in [b.name, *b.aliases] if len(p := fold(w.lower()).split()) > 1}
        known = {fold(w.lower()) for w, _, _ in words}
        words += [
            (j, b.ambiguous, "mention")
            for j in sorted(joined - known)
            if j.isalpha() and len(j) >= 6 and j not in seen and j not in self._allow  # "lining" is a word
        ]
        for word, needs_type, kind in words:
            key = fold(word.lower())
            if key in seen and seen[key] != b.name:
                problems.append(Problem(file, f"{word!r} is also a name of {seen[key]}", field=where))
            seen[key] = b.name
            tid = terms.add(word, accents="as_written")  # "AP" is not "áp", "Hero" not "hẹro"
            if tid is None:
                problems.append(Problem(file, f"brand word {word!r} is empty", field=where))
                continue
            if kind != "mention" and any(o[2] == "mention" for o in self.brand_terms.get(tid, ())):
                problems.append(
                    Problem(file, f"fake {word!r} normalises to a real name of the brand", field=where)
                )
                continue
            self.brand_terms.setdefault(tid, []).append((info.index, needs_type, kind, terms.texts[tid]))
            if kind != "mention":
                continue
            norm = terms.texts[tid]
            self._names.add(norm)
            self._exact.update(norm.split())
            self._exact.update(p for p in _NON_ALNUM.split(norm) if p)
            if (not b.lookalike or needs_type) and word == b.name and len(norm) >= 4 and norm.isalpha():
                self._typed.setdefault((norm[0], norm[-1]), []).append((norm, info.index))
            if b.lookalike and not needs_type and len(norm) >= 4 and norm.isalpha():
                self._targets.setdefault(len(norm), []).append((norm, info.index))
                self._skeletons.setdefault(skeleton(norm), (info.index, norm))
                if len(norm) >= 5:
                    self._squeezed.setdefault(_DOUBLE.sub(r"\1", norm), (info.index, norm))
            parts = norm.split()
            if b.lookalike and not needs_type and len(parts) in (2, 3) and all(p.isalpha() for p in parts):
                if sum(len(p) for p in parts) >= 8 and max(len(p) for p in parts) >= 4:
                    self._multi.setdefault("".join(p[0] for p in parts), []).append((norm, info.index))
                    for part in parts:
                        if part not in self._parts.setdefault(part[0], []):
                            self._parts[part[0]].append(part)
        self._allow.update(fold(w.lower()) for w in b.not_lookalike)

    def _add_spaced(self, b: BrandModel, info: BrandInfo, terms: TermIndex) -> None:
        """'la coste', 'sam-sung': a brand word split in two is a disguised mark."""
        if not b.lookalike or b.ambiguous:
            return
        spellings = [b.name, *b.aliases]
        camel = {
            (fold(w.lower()), i)
            for w in spellings
            for i in range(1, len(w))
            if w[i].isupper() and w[i - 1].islower()
        }
        for word in spellings:
            norm = fold(word.lower())
            if len(norm) < 6 or not norm.isalpha():
                continue
            for cut in range(2, len(norm) - 1):
                if (norm, cut) in camel:
                    continue  # "San Disk", "One Plus": the owner's own word boundary
                left, right = norm[:cut], norm[cut:]
                if {left, right} & self._common or any(
                    len(h) >= 4 and h in self._exact for h in (left, right)
                ):
                    continue  # "vivo book", "air blade": a compound of ordinary words, written apart
                tid = terms.add(f"{norm[:cut]} {norm[cut:]}", accents="as_written", loose=True)
                if tid is not None and tid not in self.brand_terms:
                    self.brand_terms[tid] = [(info.index, False, "spaced", terms.texts[tid])]

    # -- per listing -------------------------------------------------------------------------

    def mentions(self, terms: dict[int, list[tuple[int, int, int]]]) -> list[tuple[BrandHit, int]]:
        """(hit, field kind) of exact mentions and listed fakes; ambiguous brands and weak aliases
        need one of the brand's product types in the same field."""
        hits: list[tuple[BrandHit, int]] = []
        type_fields: dict[str, set[int]] | None = None
        brand_terms = self.brand_terms
        for tid, spans in terms.items():
            owners = brand_terms.get(tid)
            if owners is None:
                continue
            for brand, needs_type, kind, word in owners:
                info = self.brands[brand]
                for s, e, f in spans:
                    if needs_type:
                        if type_fields is None:
                            type_fields = self._type_fields(terms)
                        if not any(f in type_fields.get(t, ()) for t in info.types):
                            continue
                    if kind == "mention":
                        hits.append((BrandHit(s, e, brand, kind, info.name), f))
                    else:
                        hits.append((BrandHit(s, e, brand, "lookalike", f"{word}~{info.name}", kind), f))
        return hits

    def _type_fields(self, terms: dict[int, list[tuple[int, int, int]]]) -> dict[str, set[int]]:
        out: dict[str, set[int]] = {}
        for tid, spans in terms.items():
            for t in self.type_terms.get(tid, ()):
                out.setdefault(t, set()).update(f for _, _, f in spans)
        return out

    def obfuscated(self, hit: BrandHit, original: str, folded: str) -> bool:
        """The mention's original text differs beyond case, accents, spacing and typographic
        punctuation ("Ch@nel", "C.a.r.t.i.e.r", "𝐌𝐋𝐁"; not "L’Oréal", "GUCCI")."""
        if original.lower() == folded[hit.start : hit.end]:
            return False
        plain = " ".join(fold(original.lower()).translate(_PUNCT).split())
        return plain != " ".join(folded[hit.start : hit.end].split())

    def lookalikes(self, folded: str, text: str) -> list[BrandHit]:
        """Misspelt marks: words within a small edit distance of a brand word."""
        hits: list[BrandHit] = []
        cache = self._cache
        for word in set(_WORD4.findall(text)):  # accented words never yield 4 plain letters
            found = cache.get(word, False)
            if found is False:
                if len(cache) > _CACHE_LIMIT:
                    cache.clear()
                found = cache[word] = self._fuzzy(word) or self._typed_fuzzy(word)
            if found is None:
                continue
            brand, target, *typed = found
            pos = folded.find(word)
            while pos >= 0:
                end = pos + len(word)
                whole = (pos == 0 or not folded[pos - 1].isalnum()) and (
                    end == len(folded) or not folded[end].isalnum()
                )
                if whole and text[pos:end] == word:  # typed without diacritics: not a Vietnamese word
                    source = "typed" if typed else "fuzzy"
                    if typed and _spelt_right(target, folded):
                        break  # the seller also spells the mark right: a typo ("Jordan … air Jodan")
                    hits.append(BrandHit(pos, end, brand, "lookalike", f"{word}~{target}", source))
                pos = folded.find(word, end)
        if self._multi:
            hits.extend(self._multi_lookalikes(folded, text))
        return hits

    def _multi_lookalikes(self, folded: str, text: str) -> list[BrandHit]:
        """Misspelt names of two or three words ("Micheal Kros", "Jo Malon", "Gentle Monter"): runs of
        two or three plain words, each within one edit of a word of such a name and starting with the
        same letter, are compared with the names whose words start with those letters."""
        hits: list[BrandHit] = []
        multi, cache = self._multi, self._multi_cache
        run: list[tuple[int, int]] = []  # consecutive candidate words
        part_cache = self._part_cache
        prev = False  # a run needs two candidate words one after the other: most titles have none
        for word in _ASCII_WORD.findall(text):
            ok = part_cache.get(word)
            if ok is None:
                ok = self._is_part(word)
            if ok and prev:
                break
            prev = ok
        else:
            return hits
        for m in _ASCII_WORD.finditer(text):
            word = m.group()
            if word == "and" and run:
                continue  # "Charless and Keith": a connector inside the name (see _JOINERS)
            ok = part_cache.get(word)
            if ok is None:
                ok = self._is_part(word)
            if not ok:
                if run:
                    run = []
                continue
            s, e = m.span()
            if run and text[run[-1][1] : s] not in _JOINERS:
                run = []
            run.append((s, e))
            if len(run) < 2:
                continue
            for n in (2, 3):
                if len(run) < n or "".join(text[a] for a, _ in run[-n:]) not in multi:
                    continue
                start = run[-n][0]
                gram = " ".join(text[a:b] for a, b in run[-n:])
                found = cache.get(gram, False)
                if found is False:
                    if len(cache) > _CACHE_LIMIT:
                        cache.clear()
                    found = cache[gram] = self._multi_fuzzy(gram)
                if found is not None:
                    brand, target = found
                    if any(
                        re.search(f"(?<![a-z0-9]){t}(?![a-z0-9])", folded)
                        for t in target.split()
                        if t not in gram
                    ):
                        continue  # the seller spells the mark right elsewhere: a typo ("Jordan … air Jodan")
                    hits.append(BrandHit(start, e, brand, "lookalike", f"{gram}~{target}", "fuzzy"))
        return hits

    def _is_part(self, word: str) -> bool:
        ok = self._part_cache.get(word)
        if ok is None:
            parts = self._parts.get(word[0], ())
            ok = word in parts or (
                len(word) >= 4
                and process.extractOne(
                    word, parts, scorer=OSA.distance, score_cutoff=1 if len(word) < 8 else 2
                )
                is not None
            )
            if len(self._part_cache) > _CACHE_LIMIT:
                self._part_cache.clear()
            self._part_cache[word] = ok
        return ok

    def _multi_fuzzy(self, gram: str) -> tuple[int, str] | None:
        parts = gram.split()
        if all(p in self._exact for p in parts) or any(p in self._allow for p in parts):
            return None
        choices = self._multi["".join(p[0] for p in parts)]
        best = process.extractOne(gram, [c[0] for c in choices], scorer=OSA.distance, score_cutoff=2)
        if best is None:
            return None
        target, dist, i = best
        tparts = target.split()
        if dist == 0 or dist > (1 if len(target) < 10 else 2):
            return None
        pairs = list(zip(parts, tparts, strict=True))
        if any(p[0] != t[0] for p, t in pairs):
            return None  # every word starts as the mark's word does
        if any(p == t and p in self._names for p, t in pairs):
            return None  # "Xiaomi Mix", "Yamaha Novo": the brand is named, the rest is a model
        for p, t in pairs:
            if p != t and (OSA.distance(p, t) > (1 if len(t) < 8 else 2) or len(t) < 4):
                return None  # each misspelt word is close to the mark's word ("Nature Mask" is not "Nature Made")
            if p != t and ((p == t + "s" and not t.endswith("s")) or t == p + "s"):
                return None  # a plural or a dropped "s" is a typo, not a disguise ("Charless" doubles its s)
        return choices[i][1], target

    def _fuzzy(self, word: str) -> tuple[int, str] | None:
        base = word.rstrip("0123456789")
        if base != word and (base in self._exact or len(base) < 4):
            return None  # a brand word followed by a model number is a mention, not a look-alike
        if word in self._exact or base in self._exact or base in self._allow or not base.isalpha():
            return None
        same = self._skeletons.get(skeleton(base))
        if same is not None:
            return same
        if _TRIPLE.search(base):  # "guccci", "chivasss": a letter stuttered three times
            for squeezed in (_TRIPLE.sub(r"\1\1", base), _TRIPLE.sub(r"\1", base)):
                if squeezed in self._exact:
                    return next(((b, t) for b, t in self._skeletons.values() if t == squeezed), None)
            base = _TRIPLE.sub(r"\1\1", base)
        n = len(base)
        if n < 5:
            return None
        window = self._windows.get(n)
        if window is None:  # the brand words of lengths n-2 .. n+2, made once per length
            choices = [c for length in range(max(4, n - 2), n + 3) for c in self._targets.get(length, ())]
            window = self._windows[n] = (choices, [c[0] for c in choices])
        choices, words = window
        if not choices:
            return None
        best = process.extractOne(base, words, scorer=OSA.distance, score_cutoff=2)
        if best is None or best[1] > (1 if len(best[0]) < 8 else 2):
            return self._squeezed_fuzzy(base)
        target, dist, i = best
        if dist == 0 or (len(target) == 4 and n != 5):
            return None
        if target.endswith("s") and base == target[:-1]:
            return None  # "Blackmore" for "Blackmores": a typo, not a disguise
        rest = base[len(target) :] if base.startswith(target) else None
        if rest and rest != target[-1] and rest in _MODEL_SUFFIXES:
            return None  # "iphonex", "jordans": a model or a plural, not a look-alike ("guccii" is)
        if base[0] != target[0] and base[-3:] != target[-3:]:
            return None
        return choices[i][1], target

    def _typed_fuzzy(self, word: str) -> tuple[int, str, bool] | None:
        """A look-alike of a mark that is also an ordinary word, or marked ``lookalike: false``: one edit
        inside the word, first and last letters kept ("Beets", "Marsall", "Yetti"; not "marker" for
        Parker, "manga" for Mango); such hits (source ``typed``) count only beside the brand's types."""
        n = len(word)
        choices = self._typed.get((word[0], word[-1]))
        if not choices or n < 5 or not word.isalpha() or word in self._exact or word in self._allow:
            return None
        for target, brand in choices:
            if abs(len(target) - n) <= 1 and OSA.distance(word, target) == 1:
                if not (target.endswith("s") and word == target[:-1]) and word != target + "s":
                    return brand, target, True
        return None

    def _squeezed_fuzzy(self, base: str) -> tuple[int, str] | None:
        """A doubled letter plus one more edit ("Channol", "Kleennex"): with doubled letters made
        single, the word is within one edit of a brand word (of five letters or more)."""
        squeezed = _DOUBLE.sub(r"\1", base)
        if squeezed == base or len(squeezed) < 5:
            return None
        found = self._squeezed.get(squeezed)
        if found is None:  # or one vowel changed as well ("Channol")
            near = self._squeezed_near.get(len(squeezed))
            if near is None:  # one edit away: one letter longer, shorter or the same (dict order kept)
                near = self._squeezed_near[len(squeezed)] = [
                    k for k in self._squeezed if abs(len(k) - len(squeezed)) <= 1
                ]
            best = process.extractOne(squeezed, near, scorer=OSA.distance, score_cutoff=1)
            if best is None or len(best[0]) != len(squeezed):
                return None
            diff = [(a, b) for a, b in zip(squeezed, best[0], strict=True) if a != b]
            if len(diff) != 1 or not (diff[0][0] in _VOWELS and diff[0][1] in _VOWELS):
                return None
            found = self._squeezed[best[0]]
        brand, target = found
        if target.endswith("s") and squeezed == _DOUBLE.sub(r"\1", target[:-1]):
            return None
        if base.startswith(target) and base[len(target) :] in _MODEL_SUFFIXES:
            return None
        return brand, target
