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
    "and": {"en": "and", "id": "dan"},
}

# The interface's words. Keys name the screen they belong to.
UI: dict[str, dict[str, str]] = {
    "app.loading": {"en": "Opening your decks…", "id": "Membuka dek Anda…"},
    "app.quit": {"en": "Quit", "id": "Keluar"},
    "app.help": {"en": "Help", "id": "Bantuan"},
    "app.settings": {"en": "Settings", "id": "Pengaturan"},
    "app.stats": {"en": "Scores", "id": "Skor"},
    "app.back": {"en": "Back", "id": "Kembali"},
    "home.title": {"en": "Your decks", "id": "Dek Anda"},
    "home.deck": {"en": "Deck", "id": "Dek"},
    "home.new": {"en": "New", "id": "Baru"},
    "home.due": {"en": "Due", "id": "Jatuh tempo"},
    "home.learned": {"en": "Learned", "id": "Dipelajari"},
    "home.last": {"en": "Last studied", "id": "Terakhir belajar"},
    "home.never": {"en": "never", "id": "belum pernah"},
    "home.study": {"en": "Study", "id": "Belajar"},
    "home.practice": {"en": "Practice", "id": "Latihan"},
    "home.empty": {"en": "No decks yet.", "id": "Belum ada dek."},
    "home.hint": {"en": "Enter: study the highlighted deck · p: practice ahead of schedule",
                  "id": "Enter: pelajari dek yang disorot · p: latihan di luar jadwal"},
    "study.question": {"en": "Question {n} of {total}", "id": "Soal {n} dari {total}"},
    "study.type_answer": {"en": "Type your answer and press Enter", "id": "Ketik jawaban lalu tekan Enter"},
    "study.select_hint": {"en": "Number keys choose · Enter submits", "id": "Tombol angka memilih · Enter mengirim"},
    "study.choose_hint": {"en": "Press a number, or click an option", "id": "Tekan angka, atau klik pilihan"},
    "study.tf_hint": {"en": "t: true · f: false", "id": "t: benar · f: salah"},
    "study.reveal_hint": {"en": "Space: show the answer", "id": "Spasi: tampilkan jawaban"},
    "study.grade_hint": {"en": "How well did you know it?", "id": "Seberapa baik Anda mengingatnya?"},
    "study.continue_hint": {"en": "Enter or Space: next · u: undo · g: it was a guess · s: suspend",
                            "id": "Enter atau Spasi: lanjut · u: batalkan · g: tebakan · s: tangguhkan"},
    "study.right": {"en": "Right", "id": "Benar"},
    "study.wrong": {"en": "Wrong", "id": "Salah"},
    "study.typo": {"en": "Right, with a typo: you typed {typed!r}, the answer is {expected!r}",
                   "id": "Benar, dengan salah ketik: Anda mengetik {typed!r}, jawabannya {expected!r}"},
    "study.answer_is": {"en": "Answer: {answer}", "id": "Jawaban: {answer}"},
    "study.source": {"en": "Source", "id": "Sumber"},
    "study.next_due": {"en": "Next time: {when}", "id": "Berikutnya: {when}"},
    "study.leech": {"en": "Forgotten too often: suspended as a leech.",
                    "id": "Terlalu sering lupa: ditangguhkan sebagai leech."},
    "study.guess_marked": {"en": "Marked as a guess: graded Hard.", "id": "Ditandai tebakan: dinilai Sulit."},
    "study.undone": {"en": "Answer undone.", "id": "Jawaban dibatalkan."},
    "study.nothing_to_undo": {"en": "Nothing to undo.", "id": "Tidak ada yang bisa dibatalkan."},
    "study.suspended": {"en": "Suspended: it will not be shown again until you unsuspend it.",
                        "id": "Ditangguhkan: tidak akan muncul lagi sampai diaktifkan kembali."},
    "study.empty": {"en": "Nothing to study in this deck right now.",
                    "id": "Tidak ada yang perlu dipelajari di dek ini sekarang."},
    "study.practice": {"en": "Practice: the schedule is not changed", "id": "Latihan: jadwal tidak berubah"},
    "grade.1": {"en": "Again", "id": "Lagi"},
    "grade.2": {"en": "Hard", "id": "Sulit"},
    "grade.3": {"en": "Good", "id": "Baik"},
    "grade.4": {"en": "Easy", "id": "Mudah"},
    "summary.title": {"en": "Session complete", "id": "Sesi selesai"},
    "summary.answered": {"en": "Answered", "id": "Dijawab"},
    "summary.accuracy": {"en": "Accuracy", "id": "Ketepatan"},
    "summary.time": {"en": "Time", "id": "Waktu"},
    "summary.next_due": {"en": "Next due", "id": "Jatuh tempo berikutnya"},
    "summary.due_tomorrow": {"en": "Due by tomorrow", "id": "Jatuh tempo hingga besok"},
    "summary.nothing_due": {"en": "nothing scheduled", "id": "tidak ada jadwal"},
    "summary.hint": {"en": "Enter: back to your decks · q: quit", "id": "Enter: kembali ke dek · q: keluar"},
    "stats.title": {"en": "Scores", "id": "Skor"},
    "stats.reviews": {"en": "Answers", "id": "Jawaban"},
    "stats.correct": {"en": "Right", "id": "Benar"},
    "stats.accuracy": {"en": "Accuracy", "id": "Ketepatan"},
    "stats.today": {"en": "Answers today", "id": "Jawaban hari ini"},
    "stats.streak": {"en": "Streak", "id": "Rentetan"},
    "stats.days": {"en": "{n} days", "id": "{n} hari"},
    "stats.due": {"en": "Due now", "id": "Jatuh tempo sekarang"},
    "stats.per_day": {"en": "Answers per day, last {n} days", "id": "Jawaban per hari, {n} hari terakhir"},
    "stats.no_answers": {"en": "No answers yet.", "id": "Belum ada jawaban."},
    "settings.title": {"en": "Settings", "id": "Pengaturan"},
    "settings.language": {"en": "Language", "id": "Bahasa"},
    "settings.retention": {"en": "Desired retention (0.70 to 0.99)",
                           "id": "Retensi yang diinginkan (0,70 sampai 0,99)"},
    "settings.new_per_day": {"en": "New questions a day", "id": "Soal baru per hari"},
    "settings.reviews_per_day": {"en": "Reviews a day", "id": "Ulasan per hari"},
    "settings.theme": {"en": "Theme", "id": "Tema"},
    "settings.save": {"en": "Save", "id": "Simpan"},
    "settings.cancel": {"en": "Cancel", "id": "Batal"},
    "settings.saved": {"en": "Settings saved.", "id": "Pengaturan disimpan."},
    "settings.invalid": {"en": "Not saved: {problem}", "id": "Tidak disimpan: {problem}"},
    "help.title": {"en": "Keys", "id": "Tombol"},
    "help.close": {"en": "Escape or ?: close", "id": "Escape atau ?: tutup"},
    "key.study_deck": {"en": "Study the highlighted deck", "id": "Pelajari dek yang disorot"},
    "key.practice_deck": {"en": "Practice the highlighted deck", "id": "Latihan dek yang disorot"},
    "key.choose": {"en": "Choose option 1-9 (toggle in select-all; grade a flashcard)",
                   "id": "Pilih opsi 1-9 (centang di pilih-semua; nilai kartu)"},
    "key.true_false": {"en": "True / false", "id": "Benar / salah"},
    "key.submit": {"en": "Submit, or go on after an answer", "id": "Kirim, atau lanjut setelah menjawab"},
    "key.reveal": {"en": "Show a flashcard's answer, or go on", "id": "Tampilkan jawaban kartu, atau lanjut"},
    "key.undo": {"en": "Undo the last answer", "id": "Batalkan jawaban terakhir"},
    "key.guess": {"en": "Mark the last right answer as a guess", "id": "Tandai jawaban benar terakhir sebagai tebakan"},
    "key.suspend": {"en": "Suspend this question", "id": "Tangguhkan soal ini"},
    "key.end": {"en": "End the session", "id": "Akhiri sesi"},
    "key.palette": {"en": "Command palette", "id": "Palet perintah"},
    "key.language": {"en": "Switch language (English / Indonesian)", "id": "Ganti bahasa (Inggris / Indonesia)"},
    "cmd.study": {"en": "study: {deck}", "id": "belajar: {deck}"},
    "cmd.practice": {"en": "practice: {deck}", "id": "latihan: {deck}"},
    "cmd.screen": {"en": "screen: {name}", "id": "layar: {name}"},
    "cmd.language": {"en": "language: switch to {name}", "id": "bahasa: ganti ke {name}"},
    "lang.en": {"en": "English", "id": "Inggris"},
    "lang.id": {"en": "Indonesian", "id": "Indonesia"},
    "when.now": {"en": "now", "id": "sekarang"},
    "when.minutes": {"en": "in {n} min", "id": "{n} menit lagi"},
    "when.hours": {"en": "in {n} h", "id": "{n} jam lagi"},
    "when.days": {"en": "in {n} days", "id": "{n} hari lagi"},
    "when.day": {"en": "tomorrow", "id": "besok"},
}


def ui(key: str, lang: str, **values: object) -> str:
    """An interface string in `lang` (English if missing), with `values` filled in."""
    table = UI[key]
    text = table.get(lang) or table["en"]
    return text.format(**values) if values else text


def interval(seconds: float, lang: str) -> str:
    """A short, human span: 'in 10 min', 'in 3 h', 'tomorrow', 'in 12 days'."""
    if seconds < 30:
        return ui("when.now", lang)
    if seconds < 3600:
        return ui("when.minutes", lang, n=max(1, round(seconds / 60)))
    if seconds < 86400 * 0.75:
        return ui("when.hours", lang, n=round(seconds / 3600))
    days = round(seconds / 86400)
    return ui("when.day", lang) if days <= 1 else ui("when.days", lang, n=days)


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
