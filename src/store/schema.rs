//! The store's tables and how to bring an older store up to date. The
//! version lives in SQLite's `user_version`; `application_id` marks the file
//! as a facecurate store, so an unrelated database is never migrated.
//!
//! Content (what the pipeline found) is keyed by the photo's BLAKE3 hash and
//! the pipeline fingerprint, paths only point at content: moving or renaming
//! a photo rewrites one `files` row and never re-embeds, while a new model or
//! setting simply finds no content under its fingerprint.

/// "FCST" in ASCII.
pub const APPLICATION_ID: i64 = 0x4643_5354;

/// Migration `i` brings a store from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5, V6];

/// The version this build writes.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

const V1: &str = "
CREATE TABLE files (
    path     TEXT PRIMARY KEY,   -- relative to the dataset root, '/'-separated
    person   TEXT NOT NULL,      -- the folder it is filed under
    size     INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    hash     TEXT,               -- BLAKE3 hex; NULL when the file could not be read
    error    TEXT                -- why it could not be read
) WITHOUT ROWID;
CREATE INDEX files_by_hash ON files(hash);
CREATE INDEX files_by_person ON files(person);

CREATE TABLE content (
    hash        TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    error       TEXT,            -- the pipeline's cause when it failed
    PRIMARY KEY (hash, fingerprint)
) WITHOUT ROWID;

-- A rowid table: faces rows are ~1.7 KB, which WITHOUT ROWID stores badly.
CREATE TABLE faces (
    hash        TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    idx         INTEGER NOT NULL,
    bbox        BLOB NOT NULL,   -- 4 x f32 little-endian
    landmarks   BLOB NOT NULL,   -- 10 x f32 little-endian
    score       REAL NOT NULL,
    embedding   BLOB NOT NULL,   -- f32 little-endian, L2-normalised
    thumb       BLOB NOT NULL    -- 64x64 gray aligned crop (THUMB_SIDE)
);
CREATE UNIQUE INDEX faces_by_content ON faces(hash, fingerprint, idx);

-- Photos the user marked fine, by content: a changed photo is not reviewed.
CREATE TABLE reviewed (
    hash TEXT PRIMARY KEY
) WITHOUT ROWID;
";

const V2: &str = "
-- Pairs the user said are not duplicates, by content (a <= b): a photo
-- that changes is judged afresh.
CREATE TABLE not_duplicates (
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
";

const V3: &str = "
-- Registered thumb correlations of candidate duplicate pairs, by face
-- content ('<hash>:<face index>', a <= b), so a warm analysis skips the
-- registration. Valid only for the one fingerprint and pixel settings in
-- pair_memo_tag; saving under another tag replaces everything.
CREATE TABLE pair_correlations (
    a           TEXT NOT NULL,
    b           TEXT NOT NULL,
    correlation REAL NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE TABLE pair_memo_tag (
    tag TEXT NOT NULL
);
";

const V4: &str = "
-- What a store says about itself: a shard store records which shard it
-- holds, its fingerprint and whether its scan finished, so a merge can
-- refuse an unfinished shard or one made with other models or settings.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
";

const V5: &str = "
-- The pair memo as one row: its tag and every pair as 20 little-endian
-- bytes (face key a, face key b as u64 from analysis::memo::face_key,
-- a <= b; the correlation as f32). A warm analysis loads hundreds of
-- thousands of pairs, which as text rows were most of its time. The old
-- memo only saves time, so it is dropped, not converted.
DROP TABLE pair_correlations;
DROP TABLE pair_memo_tag;
CREATE TABLE pair_memo (
    tag   TEXT NOT NULL,
    pairs BLOB NOT NULL
);
";

const V6: &str = "
-- A random token that every write to the tables the records are read from
-- replaces, so a reader learns in one query whether anything a report
-- depends on changed (see store::state). Random rather than a counter: a
-- store put back from a copy and edited again never meets an old token.
CREATE TABLE store_state (
    token BLOB NOT NULL
);
INSERT INTO store_state VALUES (randomblob(16));
CREATE TRIGGER files_insert_state AFTER INSERT ON files
    BEGIN UPDATE store_state SET token = randomblob(16); END;
CREATE TRIGGER files_update_state AFTER UPDATE ON files
    BEGIN UPDATE store_state SET token = randomblob(16); END;
CREATE TRIGGER files_delete_state AFTER DELETE ON files
    BEGIN UPDATE store_state SET token = randomblob(16); END;
CREATE TRIGGER content_insert_state AFTER INSERT ON content
    BEGIN UPDATE store_state SET token = randomblob(16); END;
CREATE TRIGGER content_update_state AFTER UPDATE ON content
    BEGIN UPDATE store_state SET token = randomblob(16); END;
CREATE TRIGGER content_delete_state AFTER DELETE ON content
    BEGIN UPDATE store_state SET token = randomblob(16); END;
CREATE TRIGGER faces_insert_state AFTER INSERT ON faces
    BEGIN UPDATE store_state SET token = randomblob(16); END;
CREATE TRIGGER faces_update_state AFTER UPDATE ON faces
    BEGIN UPDATE store_state SET token = randomblob(16); END;
CREATE TRIGGER faces_delete_state AFTER DELETE ON faces
    BEGIN UPDATE store_state SET token = randomblob(16); END;
CREATE TRIGGER reviewed_insert_state AFTER INSERT ON reviewed
    BEGIN UPDATE store_state SET token = randomblob(16); END;
CREATE TRIGGER reviewed_update_state AFTER UPDATE ON reviewed
    BEGIN UPDATE store_state SET token = randomblob(16); END;
CREATE TRIGGER reviewed_delete_state AFTER DELETE ON reviewed
    BEGIN UPDATE store_state SET token = randomblob(16); END;
CREATE TRIGGER not_duplicates_insert_state AFTER INSERT ON not_duplicates
    BEGIN UPDATE store_state SET token = randomblob(16); END;
CREATE TRIGGER not_duplicates_update_state AFTER UPDATE ON not_duplicates
    BEGIN UPDATE store_state SET token = randomblob(16); END;
CREATE TRIGGER not_duplicates_delete_state AFTER DELETE ON not_duplicates
    BEGIN UPDATE store_state SET token = randomblob(16); END;
";
