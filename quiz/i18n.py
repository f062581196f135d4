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
    "import.title": {"en": "Import a deck", "id": "Impor dek"},
    "import.prompt": {"en": "The path of a deck file (YAML):", "id": "Lokasi berkas dek (YAML):"},
    "import.placeholder": {"en": "~/decks/my-deck.yaml", "id": "~/dek/dek-saya.yaml"},
    "import.hint": {"en": "Enter: import · Escape: cancel", "id": "Enter: impor · Escape: batal"},
    "import.done": {"en": "Deck imported: {deck}", "id": "Dek diimpor: {deck}"},
    "import.failed": {"en": "Import failed", "id": "Impor gagal"},
    "study.question": {"en": "Question {n} of {total}", "id": "Soal {n} dari {total}"},
    "study.type_answer": {"en": "Type your answer and press Enter", "id": "Ketik jawaban lalu tekan Enter"},
    "study.type_hint": {"en": "Enter: check · Escape: end the session",
                        "id": "Enter: periksa · Escape: akhiri sesi"},
    "study.select_hint": {"en": "Number keys choose · Enter submits", "id": "Tombol angka memilih · Enter mengirim"},
    "study.choose_hint": {"en": "Press a number, or click an option", "id": "Tekan angka, atau klik pilihan"},
    "study.tf_hint": {"en": "t: true · f: false", "id": "t: benar · f: salah"},
    "study.reveal_hint": {"en": "Space: show the answer", "id": "Spasi: tampilkan jawaban"},
    "study.grade_hint": {"en": "How well did you know it?", "id": "Seberapa baik Anda mengingatnya?"},
    "study.continue_hint": {"en": "Enter or Space: next · u: undo · g: it was a guess · s: suspend",
                            "id": "Enter atau Spasi: lanjut · u: batalkan · g: tebakan · s: tangguhkan"},
    "study.continue_hint_plain": {"en": "Enter or Space: next · u: undo · s: suspend",
                                  "id": "Enter atau Spasi: lanjut · u: batalkan · s: tangguhkan"},
    "study.next": {"en": "Next", "id": "Lanjut"},
    "study.submit": {"en": "Submit", "id": "Kirim"},
    "study.show_answer": {"en": "Show answer", "id": "Tampilkan jawaban"},
    "study.right": {"en": "Right", "id": "Benar"},
    "study.wrong": {"en": "Wrong", "id": "Salah"},
    "study.typo": {"en": "Accepted, with a typo:", "id": "Diterima, dengan salah ketik:"},
    "study.answer": {"en": "Answer:", "id": "Jawaban:"},
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
    "stats.day": {"en": "{n} day", "id": "{n} hari"},
    "stats.days": {"en": "{n} days", "id": "{n} hari"},
    "stats.due": {"en": "Due now", "id": "Jatuh tempo sekarang"},
    "stats.per_day": {"en": "Answers per day, last {n} days (at most {max} a day)",
                      "id": "Jawaban per hari, {n} hari terakhir (paling banyak {max} sehari)"},
    "stats.today_axis": {"en": "today", "id": "hari ini"},
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
    "settings.bad_retention": {"en": "desired retention must be a number from 0.70 to 0.99",
                               "id": "retensi yang diinginkan harus berupa angka dari 0,70 sampai 0,99"},
    "settings.bad_limit": {"en": "a daily limit must be a whole number from 0 to {top}",
                           "id": "batas harian harus berupa bilangan bulat dari 0 sampai {top}"},
    "help.title": {"en": "Keys", "id": "Tombol"},
    "help.close": {"en": "Escape or ?: close", "id": "Escape atau ?: tutup"},
    "help.decks": {"en": "Your decks", "id": "Dek Anda"},
    "help.study": {"en": "Studying", "id": "Belajar"},
    "help.everywhere": {"en": "Everywhere", "id": "Di mana saja"},
    "key.study_deck": {"en": "Study the highlighted deck", "id": "Pelajari dek yang disorot"},
    "key.practice_deck": {"en": "Practice the highlighted deck", "id": "Latihan dek yang disorot"},
    "key.choose": {"en": "Option 1-9; select-all: toggle it; flashcard: grade",
                   "id": "Opsi 1-9; pilih-semua: centang; kartu: beri nilai"},
    "key.true_false": {"en": "True / false", "id": "Benar / salah"},
    "key.submit": {"en": "Submit, or go on after an answer", "id": "Kirim, atau lanjut setelah menjawab"},
    "key.reveal": {"en": "Show a flashcard's answer, or go on", "id": "Tampilkan jawaban kartu, atau lanjut"},
    "key.undo": {"en": "Undo the last answer", "id": "Batalkan jawaban terakhir"},
    "key.guess": {"en": "Mark the last right answer as a guess", "id": "Tandai jawaban benar terakhir sebagai tebakan"},
    "key.suspend": {"en": "Suspend this question", "id": "Tangguhkan soal ini"},
    "key.end": {"en": "End the session", "id": "Akhiri sesi"},
    "key.scroll": {"en": "Scroll a long question or answer", "id": "Gulir soal atau jawaban yang panjang"},
    "key.palette": {"en": "Command palette", "id": "Palet perintah"},
    "key.import": {"en": "Import a deck file", "id": "Impor berkas dek"},
    "key.save_settings": {"en": "Save the settings", "id": "Simpan pengaturan"},
    "key.back": {"en": "Back, or cancel", "id": "Kembali, atau batal"},
    "key.language": {"en": "Switch language (English / Indonesian)", "id": "Ganti bahasa (Inggris / Indonesia)"},
    "cmd.study": {"en": "study: {deck}", "id": "belajar: {deck}"},
    "cmd.practice": {"en": "practice: {deck}", "id": "latihan: {deck}"},
    "cmd.screen": {"en": "screen: {name}", "id": "layar: {name}"},
    "cmd.language": {"en": "language: switch to {name}", "id": "bahasa: ganti ke {name}"},
    "cmd.placeholder": {"en": "Search for commands…", "id": "Cari perintah…"},
    "cmd.help.app.stats": {"en": "Answers, accuracy and streak", "id": "Jawaban, ketepatan, dan rentetan"},
    "cmd.help.app.settings": {"en": "Language, retention, daily limits, theme",
                              "id": "Bahasa, retensi, batas harian, tema"},
    "cmd.help.app.help": {"en": "Every key", "id": "Semua tombol"},
    "cmd.theme": {"en": "theme: change", "id": "tema: ganti"},
    "cmd.help.theme": {"en": "Change the colours (saved in the settings screen)",
                       "id": "Ganti warna (disimpan di layar pengaturan)"},
    "cmd.keys": {"en": "keys: show the panel", "id": "tombol: tampilkan panel"},
    "cmd.help.keys": {"en": "The keys that work here, beside the screen", "id": "Tombol yang berlaku di sini"},
    "cmd.screenshot": {"en": "screenshot: save", "id": "tangkapan layar: simpan"},
    "cmd.help.screenshot": {"en": "Save an SVG picture of this screen", "id": "Simpan gambar SVG layar ini"},
    "cmd.quit": {"en": "quit", "id": "keluar"},
    "cmd.help.quit": {"en": "Leave quiz (every answer is already saved)",
                      "id": "Keluar dari quiz (semua jawaban sudah tersimpan)"},
    # The footer's words, by binding id (quiz/tui/screens/base.py).
    "bind.app.help": {"en": "Help", "id": "Bantuan"},
    "bind.app.settings": {"en": "Settings", "id": "Pengaturan"},
    "bind.app.language": {"en": "Language", "id": "Bahasa"},
    "bind.app.palette": {"en": "Commands", "id": "Perintah"},
    "bind.app.quit": {"en": "Quit", "id": "Keluar"},
    "bind.home.study": {"en": "Study", "id": "Belajar"},
    "bind.home.practice": {"en": "Practice", "id": "Latihan"},
    "bind.home.stats": {"en": "Scores", "id": "Skor"},
    "bind.home.import": {"en": "Import", "id": "Impor"},
    "bind.home.quit": {"en": "Quit", "id": "Keluar"},
    "bind.import.cancel": {"en": "Cancel", "id": "Batal"},
    "bind.study.submit": {"en": "Submit", "id": "Kirim"},
    "bind.study.space": {"en": "Show answer", "id": "Tampilkan jawaban"},
    "bind.study.guess": {"en": "Guess", "id": "Tebakan"},
    "bind.study.undo": {"en": "Undo", "id": "Batalkan"},
    "bind.study.suspend": {"en": "Suspend", "id": "Tangguhkan"},
    "bind.study.end": {"en": "End", "id": "Akhiri"},
    "bind.summary.home": {"en": "Decks", "id": "Dek"},
    "bind.summary.back": {"en": "Decks", "id": "Dek"},
    "bind.summary.quit": {"en": "Quit", "id": "Keluar"},
    "bind.stats.back": {"en": "Back", "id": "Kembali"},
    "bind.settings.save": {"en": "Save", "id": "Simpan"},
    "bind.settings.cancel": {"en": "Cancel", "id": "Batal"},
    "bind.help.close": {"en": "Close", "id": "Tutup"},
    "bind.help.close2": {"en": "Close", "id": "Tutup"},
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
