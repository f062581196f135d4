"""Interface and question words in English and Indonesian."""

from __future__ import annotations

MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
    "id": ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
           "Oktober", "November", "Desember"],
}

MESSAGES: dict[str, dict[str, str]] = {
    "true": {"en": "True", "id": "Benar"},
    "false": {"en": "False", "id": "Salah"},
    "as_of": {"en": "(as of {date})", "id": "(per {date})"},
    "true_or_false": {"en": "True or false?", "id": "Benar atau salah?"},
    "select_all": {"en": "Select all that apply.", "id": "Pilih semua yang benar."},
    "fill_blank": {"en": "Fill in the blank:", "id": "Isi bagian yang kosong:"},
    "status_prompt": {
        "en": "What do the articles say about this claim? “{statement}”",
        "id": "Apa kata artikel tentang klaim ini? “{statement}”",
    },
    "status.confirmed": {"en": "It is confirmed or officially acknowledged",
                         "id": "Sudah dipastikan atau diakui secara resmi"},
    "status.reported": {"en": "It is reported, and not disputed",
                        "id": "Dilaporkan, dan tidak dibantah"},
    "status.alleged": {"en": "It is alleged, but not confirmed",
                       "id": "Dituduhkan, tetapi belum dipastikan"},
    "status.denied": {"en": "It is alleged, and the accused denies it",
                      "id": "Dituduhkan, dan pihak yang dituduh membantahnya"},
    "answer_list": {"en": "{items}", "id": "{items}"},
    "and": {"en": "and", "id": "dan"},
}


def t(key: str, lang: str, **values: str) -> str:
    """The message `key` in `lang` (English if missing), with `values` filled in."""
    table = MESSAGES[key]
    text = table.get(lang) or table["en"]
    return text.format(**values) if values else text


def format_date(iso: str, lang: str) -> str:
    """'2024-06-21' -> '21 June 2024' ('21 Juni 2024'); '2024-06' -> 'June 2024'; '2024' as is."""
    parts = iso.split("-")
    months = MONTHS.get(lang, MONTHS["en"])
    if len(parts) == 3:
        return f"{int(parts[2])} {months[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{months[int(parts[1]) - 1]} {parts[0]}"
    return iso


def join_list(items: list[str], lang: str) -> str:
    """'A, B and C' ('A, B dan C')."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {t('and', lang)} {items[-1]}"
