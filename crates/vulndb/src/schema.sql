-- schema_version, created, last_import (RFC 3339) and source (what the last import read);
-- after `db update` also last_update, mirror and archive:<URL> ({"etag", "last_modified"}).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per OSV record; `key` is what the other tables point at, so they do not repeat ids.
CREATE TABLE advisories (
    key               INTEGER PRIMARY KEY,
    id                TEXT NOT NULL UNIQUE,
    modified          TEXT NOT NULL,  -- as written; compared as times, not strings
    published         TEXT,
    withdrawn         TEXT,           -- NULL unless withdrawn; withdrawn advisories match nothing
    summary           TEXT,           -- summary, else the start of details
    severity          TEXT,           -- JSON [{"type", "score"}], NULL when none
    database_severity TEXT,           -- database_specific.severity (GitHub's rating)
    aliases           TEXT,           -- JSON [id], NULL when none
    upstream          TEXT,           -- JSON [id], NULL when none
    refs              TEXT,           -- JSON [{"type", "url"}], the first few
    database_specific TEXT            -- JSON object as in the record
);

-- One row per affected package of an advisory.
CREATE TABLE affected (
    advisory      INTEGER NOT NULL REFERENCES advisories (key),
    ordinal       INTEGER NOT NULL,  -- position in the record's `affected` list
    ecosystem_key TEXT NOT NULL,     -- base ecosystem, lowercase: 'pypi', 'debian'
    release       TEXT,              -- after the first ':': '12', 'Pro:18.04:LTS'; NULL when none
    name          TEXT NOT NULL,     -- normalized package name
    ecosystem     TEXT NOT NULL,     -- as written: 'Debian:12'
    package       TEXT NOT NULL,     -- as written
    purl          TEXT,
    ranges        TEXT,              -- JSON [{"type", "repo", "events": [{"introduced": ...}]}]
    versions      TEXT,              -- JSON [version], NULL when none
    severity      TEXT,              -- JSON [{"type", "score"}] of this package, NULL when none
    urgency       TEXT,              -- ecosystem_specific.urgency: Debian's rating of this package
    PRIMARY KEY (advisory, ordinal)
);
CREATE INDEX affected_package ON affected (ecosystem_key, name);

-- alias -> advisories listing it, for merging findings about one vulnerability.
CREATE TABLE aliases (
    alias    TEXT NOT NULL,
    advisory INTEGER NOT NULL REFERENCES advisories (key),
    PRIMARY KEY (alias, advisory)
) WITHOUT ROWID;
CREATE INDEX aliases_advisory ON aliases (advisory);
