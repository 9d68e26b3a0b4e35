"""Numbered schema migrations, tracked in ``PRAGMA user_version``.

Each migration runs once, in order, inside one transaction. Add a new
script to ``MIGRATIONS``; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

KLUE_LABELS = [
    # name, description, key, colour
    ("PS", "사람", "1", "#e06c75"),
    ("LC", "장소", "2", "#98c379"),
    ("OG", "기관", "3", "#61afef"),
    ("DT", "날짜", "4", "#e5c07b"),
    ("TI", "시간", "5", "#c678dd"),
    ("QT", "수량", "6", "#56b6c2"),
]


def _labels_sql(labels: list[tuple[str, str, str, str]]) -> str:
    rows = ", ".join(
        f"('{n}', '{d}', '{k}', '{c}', {i})" for i, (n, d, k, c) in enumerate(labels)
    )
    return f"INSERT INTO labels(name, description, key, colour, sort_order) VALUES {rows};"


M1_INITIAL = """
        CREATE TABLE articles (
            uid TEXT PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            date TEXT,
            source TEXT,
            url TEXT,
            collection TEXT NOT NULL DEFAULT 'default',
            status TEXT NOT NULL DEFAULT 'new'
                CHECK (status IN ('new', 'in_progress', 'done', 'skipped')),
            meta TEXT NOT NULL DEFAULT '{}',
            cursor INTEGER NOT NULL DEFAULT 0,
            uncertainty REAL,
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        );
        CREATE INDEX articles_status ON articles(status);
        CREATE INDEX articles_collection ON articles(collection);

        -- The text lives only here, keyed by articles.rowid: list rows stay
        -- small (paging 100,000 articles reads kilobytes, not the corpus),
        -- and the trigram index finds any substring of three characters.
        CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, tokenize='trigram');

        CREATE TABLE labels (
            name TEXT PRIMARY KEY,
            description TEXT NOT NULL DEFAULT '',
            key TEXT UNIQUE,
            colour TEXT NOT NULL DEFAULT '#888888',
            sort_order INTEGER NOT NULL DEFAULT 0,
            parent TEXT
        );

        CREATE TABLE spans (
            id INTEGER PRIMARY KEY,
            article TEXT NOT NULL REFERENCES articles(uid),
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            label TEXT NOT NULL,
            annotator TEXT NOT NULL,
            origin TEXT NOT NULL CHECK (origin IN ('human', 'suggestion', 'import')),
            state TEXT NOT NULL CHECK (state IN ('suggested', 'accepted', 'rejected')),
            model TEXT,
            confidence REAL,
            note TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            CHECK (0 <= start AND start < end)
        );
        CREATE INDEX spans_article ON spans(article, start);
        CREATE INDEX spans_annotator ON spans(annotator);

        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            time TEXT NOT NULL,
            annotator TEXT NOT NULL,
            article TEXT,
            grp INTEGER NOT NULL,
            action TEXT NOT NULL,
            span_id INTEGER,
            before TEXT,
            after TEXT,
            target INTEGER
        );
        CREATE INDEX events_article ON events(article, annotator, grp);
        CREATE INDEX events_grp ON events(grp);

        CREATE TABLE analyses (
            article TEXT NOT NULL,
            version TEXT NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (article, version)
        ) WITHOUT ROWID;
        """ + _labels_sql(KLUE_LABELS)

# Labels carry examples, which the label picker filters by (NIKL's 150 types).
M2_LABEL_EXAMPLES = """
        ALTER TABLE labels ADD COLUMN examples TEXT NOT NULL DEFAULT '';
        """

# The live gazetteer's source, kept by triggers: how often each surface form got
# each label (accepted spans only). Reading all accepted spans' text on every
# label press cost seconds at 100,000 articles; this table is read in milliseconds,
# and every path that changes a span (labels, undo, imports, merges) keeps it right.
_FORM_OF = ("(SELECT substr(f.text, {s}.start + 1, {s}.\"end\" - {s}.start) FROM articles a"
            " CROSS JOIN articles_fts f ON f.rowid = a.rowid WHERE a.uid = {s}.article)")
_ADD = ("INSERT INTO forms(form, label, n) SELECT substr(f.text, NEW.start + 1,"
        " NEW.\"end\" - NEW.start), NEW.label, 1 FROM articles a CROSS JOIN articles_fts f"
        " ON f.rowid = a.rowid WHERE a.uid = NEW.article"
        " ON CONFLICT(form, label) DO UPDATE SET n = n + 1;"
        " UPDATE counters SET value = value + 1 WHERE name = 'forms';")
_DROP = ("UPDATE forms SET n = n - 1 WHERE label = OLD.label AND form = "
         + _FORM_OF.format(s="OLD") + ";"
         " UPDATE counters SET value = value + 1 WHERE name = 'forms';")
M3_FORMS = f"""
        CREATE TABLE forms (
            form TEXT NOT NULL,
            label TEXT NOT NULL,
            n INTEGER NOT NULL,
            PRIMARY KEY (form, label)
        ) WITHOUT ROWID;
        CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        INSERT INTO counters VALUES ('forms', 0);
        INSERT INTO forms(form, label, n)
            SELECT substr(f.text, s.start + 1, s."end" - s.start), s.label, count(*)
            FROM spans s JOIN articles a ON a.uid = s.article
            CROSS JOIN articles_fts f ON f.rowid = a.rowid
            WHERE s.state = 'accepted' GROUP BY 1, 2;
        CREATE TRIGGER forms_insert AFTER INSERT ON spans WHEN NEW.state = 'accepted'
            BEGIN {_ADD} END;
        CREATE TRIGGER forms_delete AFTER DELETE ON spans WHEN OLD.state = 'accepted'
            BEGIN {_DROP} END;
        CREATE TRIGGER forms_update_old AFTER UPDATE OF state, label, start, "end" ON spans
            WHEN OLD.state = 'accepted' BEGIN {_DROP} END;
        CREATE TRIGGER forms_update_new AFTER UPDATE OF state, label, start, "end" ON spans
            WHEN NEW.state = 'accepted' BEGIN {_ADD} END;
        """

# Each article's number of accepted spans, kept by triggers: the list showed it
# by counting spans for every row of every page, which read the spans index at
# random places and grew with the corpus (0.1 ms a page at 1,000 articles,
# 1.4 ms cold at 100,000); one column of the row itself costs the same at any size.
M4_LABEL_COUNTS = """
        ALTER TABLE articles ADD COLUMN n_accepted INTEGER NOT NULL DEFAULT 0;
        UPDATE articles SET n_accepted = c.n FROM (
            SELECT article, count(*) AS n FROM spans WHERE state = 'accepted' GROUP BY article
        ) c WHERE c.article = articles.uid;
        CREATE TRIGGER accepted_insert AFTER INSERT ON spans WHEN NEW.state = 'accepted'
            BEGIN UPDATE articles SET n_accepted = n_accepted + 1 WHERE uid = NEW.article; END;
        CREATE TRIGGER accepted_delete AFTER DELETE ON spans WHEN OLD.state = 'accepted'
            BEGIN UPDATE articles SET n_accepted = n_accepted - 1 WHERE uid = OLD.article; END;
        CREATE TRIGGER accepted_update AFTER UPDATE OF state, article ON spans
            WHEN OLD.state = 'accepted' OR NEW.state = 'accepted'
            BEGIN
                UPDATE articles SET n_accepted = n_accepted - 1
                    WHERE uid = OLD.article AND OLD.state = 'accepted';
                UPDATE articles SET n_accepted = n_accepted + 1
                    WHERE uid = NEW.article AND NEW.state = 'accepted';
            END;
        """

# The trigram index merges its segments eight at a time instead of FTS5's four:
# each posting is rewritten once per level, and fewer levels made building
# 100,000 articles in imports of 500 take 52-59 s instead of 79 s, with imports
# at 100,000 articles slowing less against 1,000 (searches read a few more
# segments: 0.11 -> 0.12 ms a page).
M5_FTS_MERGE = """
        INSERT INTO articles_fts(articles_fts, rank) VALUES ('automerge', 8);
        """

# Bulk inserts stay linear. The forms triggers read the article's whole text for
# each accepted span, so one CoNLL sentence of 25,000 / 50,000 tokens took 1.5 /
# 5.6 s: a span now carries its surface form when the code inserting it has the
# text at hand (``form``; NULL falls back to reading the text, and a span whose
# edges or article change loses its stored form). Adding a label read every
# label for the next sort order (10,000 labels: 9 s); an index finds the largest.
_KNOWN_FORM = ("coalesce(CASE WHEN NEW.start = OLD.start AND NEW.\"end\" = OLD.\"end\""
               " AND NEW.article = OLD.article THEN NEW.form END, {of})")
_ADD_FORM = ("INSERT INTO forms(form, label, n) SELECT form, NEW.label, 1 FROM (SELECT {form}"
             " AS form) WHERE form IS NOT NULL ON CONFLICT(form, label) DO UPDATE SET n = n + 1;"
             " UPDATE counters SET value = value + 1 WHERE name = 'forms';")
_DROP_FORM = ("UPDATE forms SET n = n - 1 WHERE label = OLD.label AND form ="
              " coalesce(OLD.form, " + _FORM_OF.format(s="OLD") + ");"
              " UPDATE counters SET value = value + 1 WHERE name = 'forms';")
M6_LINEAR_BULK = f"""
        ALTER TABLE spans ADD COLUMN form TEXT;
        DROP TRIGGER IF EXISTS forms_insert;
        DROP TRIGGER IF EXISTS forms_delete;
        DROP TRIGGER IF EXISTS forms_update_old;
        DROP TRIGGER IF EXISTS forms_update_new;
        CREATE TRIGGER forms_insert AFTER INSERT ON spans WHEN NEW.state = 'accepted'
            BEGIN {_ADD_FORM.format(form="coalesce(NEW.form, " + _FORM_OF.format(s="NEW") + ")")}
            END;
        CREATE TRIGGER forms_delete AFTER DELETE ON spans WHEN OLD.state = 'accepted'
            BEGIN {_DROP_FORM} END;
        CREATE TRIGGER forms_update_old AFTER UPDATE OF state, label, start, "end" ON spans
            WHEN OLD.state = 'accepted' BEGIN {_DROP_FORM} END;
        CREATE TRIGGER forms_update_new AFTER UPDATE OF state, label, start, "end" ON spans
            WHEN NEW.state = 'accepted'
            BEGIN {_ADD_FORM.format(form=_KNOWN_FORM.format(of=_FORM_OF.format(s="NEW")))} END;
        CREATE TRIGGER forms_stale AFTER UPDATE OF start, "end", article ON spans
            WHEN NEW.form IS NOT NULL AND (NEW.start != OLD.start OR NEW."end" != OLD."end"
                                           OR NEW.article != OLD.article)
            BEGIN UPDATE spans SET form = NULL WHERE id = NEW.id; END;
        CREATE INDEX labels_order ON labels(sort_order);
        """

# The negative gazetteer: a form rejected with a label everywhere (the reader's X)
# is never suggested with that label again, until removed (hanmark labels unreject).
M7_REJECTED_FORMS = """
        CREATE TABLE rejected_forms (
            form TEXT NOT NULL,
            label TEXT NOT NULL,
            annotator TEXT NOT NULL,
            created TEXT NOT NULL,
            PRIMARY KEY (form, label)
        );
        """

# Each annotator's own status of each article (teams share the article's status,
# but agreement counts an annotator's labels once they said done): the latest
# status event of that annotator, kept by a trigger on the journal, so every way
# events arrive (the reader, undo and redo, merge, native import) keeps it. It
# was read from the events' JSON on every question before. (Beside max(id), SQLite
# takes a bare column from the row holding the maximum: the latest status.)
_STATUS_EVENT = ("{e}span_id IS NULL AND {e}article IS NOT NULL"
                 " AND json_extract({e}after, '$.status') IS NOT NULL")
M8_ANNOTATOR_STATUS = f"""
        CREATE TABLE annotator_status (
            article TEXT NOT NULL REFERENCES articles(uid),
            annotator TEXT NOT NULL,
            status TEXT NOT NULL,
            event INTEGER NOT NULL,
            PRIMARY KEY (article, annotator)
        ) WITHOUT ROWID;
        INSERT INTO annotator_status(article, annotator, status, event)
            SELECT article, annotator, json_extract(after, '$.status'), max(id) FROM events
            WHERE {_STATUS_EVENT.format(e="")}
            GROUP BY article, annotator;
        CREATE TRIGGER annotator_status_event AFTER INSERT ON events
            WHEN {_STATUS_EVENT.format(e="NEW.")}
            BEGIN
                INSERT INTO annotator_status(article, annotator, status, event)
                    VALUES (NEW.article, NEW.annotator, json_extract(NEW.after, '$.status'),
                            NEW.id)
                    ON CONFLICT(article, annotator) DO UPDATE SET
                        status = excluded.status, event = excluded.event
                    WHERE excluded.event > annotator_status.event;
            END;
        """

# Each entry is one SQL script; append, never edit one that has shipped.
MIGRATIONS = [M1_INITIAL, M2_LABEL_EXAMPLES, M3_FORMS, M4_LABEL_COUNTS, M5_FTS_MERGE,
              M6_LINEAR_BULK, M7_REJECTED_FORMS, M8_ANNOTATOR_STATUS]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, application_id: int) -> int:
    """Bring the schema up to ``SCHEMA_VERSION``; return how many steps ran.

    Everything runs in one ``BEGIN IMMEDIATE`` transaction that reads the
    version again once it holds the write lock: several processes opening a
    new file at once migrate it once, and the others find it done.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        if current == 0:
            conn.execute(f"PRAGMA application_id = {application_id}")
        for number in range(current, SCHEMA_VERSION):
            for statement in _statements(MIGRATIONS[number]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number + 1}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return max(SCHEMA_VERSION - current, 0)


def _statements(script: str) -> Iterator[str]:
    """A script's statements one by one (``executescript`` would commit first)."""
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                yield pending
            pending = ""
    if pending.strip(" \n;"):
        raise ValueError(f"incomplete statement in a migration: {pending[:80]!r}")
