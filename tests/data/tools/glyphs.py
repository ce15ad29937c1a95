"""Helpers that produce the look-alike spellings used in the hand-written listings.

Only used by the build scripts in this folder; the JSONL files are the artefacts and are
self-contained (tests never import this module).
"""


def _shift(s: str, upper: int, lower: int, digit: int | None = None, exceptions: dict | None = None) -> str:
    out = []
    for ch in s:
        if exceptions and ch in exceptions:
            out.append(exceptions[ch])
        elif "A" <= ch <= "Z":
            out.append(chr(upper + ord(ch) - 65))
        elif "a" <= ch <= "z":
            out.append(chr(lower + ord(ch) - 97))
        elif digit is not None and "0" <= ch <= "9":
            out.append(chr(digit + ord(ch) - 48))
        else:
            out.append(ch)
    return "".join(out)


def B(s: str) -> str:
    """Mathematical bold: 𝐆𝐮𝐜𝐜𝐢"""
    return _shift(s, 0x1D400, 0x1D41A, 0x1D7CE)


def SB(s: str) -> str:
    """Mathematical sans-serif bold: 𝗗𝗶𝗼𝗿"""
    return _shift(s, 0x1D5D4, 0x1D5EE, 0x1D7EC)


def IT(s: str) -> str:
    """Mathematical italic (h is a special case): 𝐿𝑉"""
    return _shift(s, 0x1D434, 0x1D44E, None, {"h": "\u210E"})


def SCRIPT(s: str) -> str:
    """Mathematical bold script: 𝓒𝓱𝓪𝓷𝓮𝓵"""
    return _shift(s, 0x1D4D0, 0x1D4EA)


def MONO(s: str) -> str:
    """Mathematical monospace: 𝙿𝚛𝚊𝚍𝚊"""
    return _shift(s, 0x1D670, 0x1D68A, 0x1D7F6)


def FW(s: str) -> str:
    """Full-width: ｆａｋｅ"""
    out = []
    for ch in s:
        if "!" <= ch <= "~":
            out.append(chr(0xFF01 + ord(ch) - 0x21))
        elif ch == " ":
            out.append("\u3000")
        else:
            out.append(ch)
    return "".join(out)


def CIRC(s: str) -> str:
    """Circled letters: Ⓖⓤⓒⓒⓘ"""
    return _shift(s, 0x24B6, 0x24D0)


_CYR = {"a": "а", "e": "е", "o": "о", "c": "с", "p": "р", "x": "х", "y": "у", "i": "і",
        "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О",
        "P": "Р", "T": "Т", "X": "Х"}


def CY(s: str) -> str:
    """Replace Latin letters by Cyrillic look-alikes: Сhаnеl"""
    return "".join(_CYR.get(ch, ch) for ch in s)


def SP(s: str, sep: str = " ") -> str:
    """Spread letters: v a p e / f.a.k.e"""
    return sep.join(s)


def DS(s: str) -> str:
    """Double-struck: 𝔾𝕦𝕔𝕔𝕚 (C, H, N, P, Q, R, Z live in the letterlike block)"""
    exc = {"C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ"}
    return _shift(s, 0x1D538, 0x1D552, 0x1D7D8, exc)


_SMALL = {"a": "ᴀ", "b": "ʙ", "c": "ᴄ", "d": "ᴅ", "e": "ᴇ", "f": "ꜰ", "g": "ɢ", "h": "ʜ", "i": "ɪ",
          "j": "ᴊ", "k": "ᴋ", "l": "ʟ", "m": "ᴍ", "n": "ɴ", "o": "ᴏ", "p": "ᴘ", "r": "ʀ", "s": "ꜱ",
          "t": "ᴛ", "u": "ᴜ", "v": "ᴠ", "w": "ᴡ", "y": "ʏ", "z": "ᴢ"}


def SMALL(s: str) -> str:
    """Small capitals: ᴅɪᴏʀ"""
    return "".join(_SMALL.get(ch.lower(), ch) for ch in s)


_GREEK = {"A": "Α", "B": "Β", "E": "Ε", "H": "Η", "I": "Ι", "K": "Κ", "M": "Μ", "N": "Ν", "O": "Ο",
          "P": "Ρ", "T": "Τ", "X": "Χ", "Y": "Υ", "Z": "Ζ", "o": "ο", "v": "ν"}


def GR(s: str) -> str:
    """Greek look-alikes: ΡRΑDΑ"""
    return "".join(_GREEK.get(ch, ch) for ch in s)


def ZW(s: str) -> str:
    """Insert zero-width spaces between letters: P​r​a​d​a"""
    return "\u200b".join(s)
