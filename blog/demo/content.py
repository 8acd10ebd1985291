"""The demo blog: the post "hartes training" of the first blog we serve, and enough around it
that archives, pagination, categories, tags and feeds have something to show (issue #2).

The texts are German on purpose: they are content, not interface.
"""

from pathlib import Path

HARTES_TRAINING_BODY = (Path(__file__).parent / "hartes-training.md").read_text(encoding="utf-8")

AUTHOR = {"username": "oliver", "first_name": "oliver", "email": "oliver@example.invalid"}

CATEGORIES = [
    # (slug, name, parent slug)
    ("alltag", "Alltag", None),
    ("arbeit", "Arbeit", None),
    ("kunden", "Kunden", "arbeit"),
    ("sport", "Sport", None),
    ("technik", "Technik", None),
]

# (slug, title, local date "YYYY-MM-DD HH:MM", categories, tags, body)
POSTS = [
    (
        "hartes-training",
        "hartes training",
        "2026-11-20 18:04",
        ["arbeit", "kunden"],
        ["kunden", "training"],
        HARTES_TRAINING_BODY,
    ),
    (
        "novembergrau",
        "novembergrau",
        "2026-11-12 07:45",
        ["alltag"],
        ["wetter"],
        "der nebel hängt tief über dem tal, und der kaffee schmeckt heute besonders gut.\n\n"
        "> grau ist keine farbe, sondern eine haltung.\n\n"
        "ich mache das beste draus: eine runde laufen, dann an den schreibtisch.",
    ),
    (
        "zehn-kilometer",
        "zehn kilometer",
        "2026-10-30 19:10",
        ["sport"],
        ["laufen", "training"],
        "heute zum ersten mal seit langem wieder zehn kilometer am stück gelaufen.\n\n"
        "- km 1–3: viel zu schnell\n- km 4–7: ruhig und gleichmäßig\n"
        "- km 8–10: zähne zusammenbeißen\n\n"
        "*übung macht den meister*, auch hier.",
    ),
    (
        "backup-statt-bauchweh",
        "backup statt bauchweh",
        "2026-10-18 21:30",
        ["technik"],
        ["backup", "server"],
        "wer keine sicherung hat, hat auch keine daten. klingt hart, ist aber so.\n\n"
        "meine regel ist **3-2-1**: drei kopien, zwei verschiedene medien, eine außer haus.\n\n"
        "```\nrsync -a --delete ~/bilder/ /mnt/sicherung/bilder/\n```",
    ),
    (
        "der-kunde-ist-koenig",
        "der kunde ist könig",
        "2026-10-05 12:00",
        ["arbeit", "kunden"],
        ["kunden"],
        "oder doch nicht immer? ein paar gedanken dazu, wann man auch mal nein sagen muss.\n\n"
        "manchmal ist ein ehrliches „das können wir nicht“ mehr wert als ein halbes ja.",
    ),
    (
        "herbstlaub",
        "herbstlaub",
        "2026-09-27 16:20",
        ["alltag"],
        ["fotografie", "wetter"],
        "die bäume im park werden bunt. ich habe die kamera mitgenommen und "
        "ein paar bilder gemacht, die ich hier bald zeige.",
    ),
    (
        "intervalle",
        "intervalle",
        "2026-09-14 06:55",
        ["sport"],
        ["laufen", "training"],
        "8 × 400 meter, dazwischen 200 meter traben. danach war ich platt – aber zufrieden.",
    ),
    (
        "neues-werkzeug",
        "neues werkzeug",
        "2026-08-30 20:15",
        ["technik"],
        ["server"],
        "seit ein paar wochen läuft das blog auf einer neuen software. "
        "schneller, schlanker und ohne plugins, die man ständig aktualisieren muss.",
    ),
    (
        "sommerpause",
        "sommerpause",
        "2026-08-02 10:00",
        ["alltag"],
        ["urlaub"],
        "das büro bleibt zwei wochen zu. das telefon auch. bis bald!",
    ),
    (
        "grosser-auftrag",
        "großer auftrag",
        "2026-07-19 14:30",
        ["arbeit"],
        ["kunden"],
        "ein neuer kunde, ein großes projekt, ein enger zeitplan. wir freuen uns drauf.",
    ),
    (
        "bergauf",
        "bergauf",
        "2026-07-04 08:40",
        ["sport"],
        ["laufen"],
        "höhenmeter sammeln im mittelgebirge. die waden melden sich noch heute.",
    ),
    (
        "mailserver-umzug",
        "mailserver-umzug",
        "2026-06-21 22:05",
        ["technik"],
        ["server", "backup"],
        "der umzug des mailservers ist geschafft. dns, spf, dkim, dmarc – alles grün.",
    ),
    (
        "fruehsommer",
        "frühsommer",
        "2026-06-07 19:00",
        ["alltag"],
        ["wetter", "fotografie"],
        "endlich wieder abends draußen sitzen.",
    ),
]

PAGES = [
    # (slug, title, menu order, body)
    (
        "ueber-mich",
        "Über mich",
        1,
        "hier schreibe ich über arbeit, sport und alles dazwischen.",
    ),
    (
        "impressum",
        "Impressum",
        90,
        "## Angaben gemäß § 5 DDG\n\n"
        "[Vorname Nachname]  \n[Straße Hausnummer]  \n[PLZ Ort]\n\n"
        "## Kontakt\n\n"
        "E-Mail: [adresse@example.org]\n\n"
        "## Verantwortlich für den Inhalt nach § 18 Abs. 2 MStV\n\n"
        "[Vorname Nachname, Anschrift wie oben]\n\n"
        "*Diese Seite ist eine Vorlage: bitte im Admin unter „Seiten“ ausfüllen.*",
    ),
    (
        "datenschutz",
        "Datenschutzerklärung",
        91,
        "## Verantwortlicher\n\n[Name und Anschrift wie im Impressum]\n\n"
        "## Server-Protokolle\n\n"
        "Beim Aufruf dieser Seiten verarbeitet der Server technisch notwendige Daten "
        "(IP-Adresse, Zeitpunkt, aufgerufene Adresse). [Speicherdauer ergänzen]\n\n"
        "## Kommentare\n\n"
        "Wer einen Kommentar schreibt, gibt Name, E-Mail-Adresse und optional eine Website an. "
        "Die E-Mail-Adresse wird nicht veröffentlicht. Die IP-Adresse wird zum Schutz vor "
        "Missbrauch gespeichert und nach [60] Tagen gelöscht. Avatare werden lokal erzeugt; "
        "es werden keine Daten an Dritte (etwa Gravatar) übertragen.\n\n"
        "## Cookies\n\n"
        "Ein Cookie wird nur gesetzt, wenn du beim Kommentieren ausdrücklich zustimmst, "
        "dass Name, E-Mail-Adresse und Website für den nächsten Kommentar gespeichert werden.\n\n"
        "## Deine Rechte\n\n"
        "Du hast das Recht auf Auskunft, Berichtigung, Löschung und Einschränkung der "
        "Verarbeitung deiner Daten. [Kontakt ergänzen]\n\n"
        "*Diese Seite ist eine Vorlage: bitte im Admin unter „Seiten“ ausfüllen.*",
    ),
]

SITE = {
    "title": "oliver schreibt",
    "tagline": "arbeit, sport und alles dazwischen",
    "posts_per_page": 10,
    "footer_text": "",
}

BADGES = [
    # (name, url, label shown on the generated badge, order)
    ("Blogverzeichnis - Bloggerei.de", "https://www.bloggerei.de/", "Bloggerei.de", 1),
    ("Blogverzeichnis - blogwolke.de", "https://www.blogwolke.de/", "blogwolke.de", 2),
]
