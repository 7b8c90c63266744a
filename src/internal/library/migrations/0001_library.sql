-- The music library: folders, artists, albums, tracks, genres, artwork, per-user
-- data and playlists. Times are unix milliseconds (UTC), file mtimes unix nanoseconds.
-- Ids are opaque row ids; no path is ever an id.

CREATE TABLE lib_folders (
    id           INTEGER PRIMARY KEY,
    path         TEXT NOT NULL UNIQUE,          -- cleaned absolute path as configured
    name         TEXT NOT NULL,
    configured   INTEGER NOT NULL DEFAULT 1,    -- still in the configuration
    online       INTEGER NOT NULL DEFAULT 0,
    problem      TEXT NOT NULL DEFAULT '',      -- why it is offline
    last_scan_at INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE lib_artists (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,            -- MusicBrainz id, else the folded name
    name       TEXT NOT NULL,
    sort_name  TEXT NOT NULL,
    mbid       TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);

-- Per folder: how much of an artist lives there (recomputed after each scan).
CREATE TABLE lib_artist_stats (
    artist_id   INTEGER NOT NULL REFERENCES lib_artists(id) ON DELETE CASCADE,
    folder_id   INTEGER NOT NULL REFERENCES lib_folders(id) ON DELETE CASCADE,
    album_count INTEGER NOT NULL,               -- albums with this artist as album artist
    track_count INTEGER NOT NULL,               -- tracks with this artist as a track artist
    cover_id    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (artist_id, folder_id)
) WITHOUT ROWID;
CREATE INDEX idx_lib_artist_stats_folder ON lib_artist_stats(folder_id);

CREATE TABLE lib_albums (
    id           INTEGER PRIMARY KEY,
    folder_id    INTEGER NOT NULL REFERENCES lib_folders(id),
    key          TEXT NOT NULL,                 -- album artist key + folded album name (+ MBID)
    name         TEXT NOT NULL,
    sort_name    TEXT NOT NULL,
    artist_id    INTEGER NOT NULL REFERENCES lib_artists(id),
    artist_name  TEXT NOT NULL,
    compilation  INTEGER NOT NULL DEFAULT 0,
    mbid         TEXT NOT NULL DEFAULT '',
    year         INTEGER NOT NULL DEFAULT 0,
    track_count  INTEGER NOT NULL DEFAULT 0,
    disc_count   INTEGER NOT NULL DEFAULT 0,
    duration_ms  INTEGER NOT NULL DEFAULT 0,
    size         INTEGER NOT NULL DEFAULT 0,
    genre        TEXT NOT NULL DEFAULT '',      -- first genre, for lists
    cover_id     INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (folder_id, key)
);
CREATE INDEX idx_lib_albums_artist ON lib_albums(artist_id);
CREATE INDEX idx_lib_albums_sort ON lib_albums(sort_name);
CREATE INDEX idx_lib_albums_created ON lib_albums(created_at);

CREATE TABLE lib_album_artists (
    album_id  INTEGER NOT NULL REFERENCES lib_albums(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    artist_id INTEGER NOT NULL REFERENCES lib_artists(id),
    PRIMARY KEY (album_id, position)
) WITHOUT ROWID;
CREATE INDEX idx_lib_album_artists_artist ON lib_album_artists(artist_id);

CREATE TABLE lib_tracks (
    id              INTEGER PRIMARY KEY,
    folder_id       INTEGER NOT NULL REFERENCES lib_folders(id),
    dir             TEXT NOT NULL,              -- relative directory, '/'-separated, '' at the root
    file            TEXT NOT NULL,              -- base name
    size            INTEGER NOT NULL,
    mtime           INTEGER NOT NULL,
    identity        TEXT NOT NULL,              -- content identity for following moves
    missing         INTEGER NOT NULL DEFAULT 0, -- not found by the running scan; removed at its end
    album_id        INTEGER NOT NULL REFERENCES lib_albums(id),
    album_name      TEXT NOT NULL,
    artist_id       INTEGER NOT NULL REFERENCES lib_artists(id),
    artist_name     TEXT NOT NULL,
    album_artist    TEXT NOT NULL,
    title           TEXT NOT NULL,
    sort_title      TEXT NOT NULL,
    track_no        INTEGER NOT NULL DEFAULT 0,
    disc_no         INTEGER NOT NULL DEFAULT 0,
    year            INTEGER NOT NULL DEFAULT 0,
    date            TEXT NOT NULL DEFAULT '',
    genre           TEXT NOT NULL DEFAULT '',   -- first genre, for lists
    compilation     INTEGER NOT NULL DEFAULT 0,
    duration_ms     INTEGER NOT NULL DEFAULT 0,
    bit_rate        INTEGER NOT NULL DEFAULT 0, -- kbit/s
    sample_rate     INTEGER NOT NULL DEFAULT 0,
    bit_depth       INTEGER NOT NULL DEFAULT 0,
    channels        INTEGER NOT NULL DEFAULT 0,
    format          TEXT NOT NULL,              -- suffix: mp3 flac m4a ogg opus
    codec           TEXT NOT NULL DEFAULT '',   -- mp3 flac aac alac vorbis opus
    mbid            TEXT NOT NULL DEFAULT '',   -- recording
    release_track_mbid TEXT NOT NULL DEFAULT '',
    rg_track_gain   REAL,
    rg_track_peak   REAL,
    rg_album_gain   REAL,
    rg_album_peak   REAL,
    lyrics          TEXT NOT NULL DEFAULT '',
    has_picture     INTEGER NOT NULL DEFAULT 0,
    cover_id        INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (folder_id, dir, file)
);
CREATE INDEX idx_lib_tracks_album ON lib_tracks(album_id, disc_no, track_no);
CREATE INDEX idx_lib_tracks_artist ON lib_tracks(artist_id);
CREATE INDEX idx_lib_tracks_identity ON lib_tracks(identity);
CREATE INDEX idx_lib_tracks_sort ON lib_tracks(sort_title);

CREATE TABLE lib_track_artists (
    track_id  INTEGER NOT NULL REFERENCES lib_tracks(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    artist_id INTEGER NOT NULL REFERENCES lib_artists(id),
    PRIMARY KEY (track_id, position)
) WITHOUT ROWID;
CREATE INDEX idx_lib_track_artists_artist ON lib_track_artists(artist_id);

CREATE TABLE lib_genres (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE lib_track_genres (
    track_id INTEGER NOT NULL REFERENCES lib_tracks(id) ON DELETE CASCADE,
    genre_id INTEGER NOT NULL REFERENCES lib_genres(id),
    PRIMARY KEY (track_id, genre_id)
) WITHOUT ROWID;
CREATE INDEX idx_lib_track_genres_genre ON lib_track_genres(genre_id);

-- Artwork sources: an embedded picture of a track file, or an image file in a
-- track's directory. Served only through this table.
CREATE TABLE lib_art (
    id        INTEGER PRIMARY KEY,
    folder_id INTEGER NOT NULL REFERENCES lib_folders(id),
    path      TEXT NOT NULL,                     -- relative to the folder
    embedded  INTEGER NOT NULL,
    mtime     INTEGER NOT NULL,
    UNIQUE (folder_id, path, embedded)
);

-- Files that could not be read, with the reason.
CREATE TABLE lib_failures (
    folder_id INTEGER NOT NULL REFERENCES lib_folders(id) ON DELETE CASCADE,
    path      TEXT NOT NULL,
    reason    TEXT NOT NULL,
    size      INTEGER NOT NULL,
    mtime     INTEGER NOT NULL,
    at        INTEGER NOT NULL,
    PRIMARY KEY (folder_id, path)
) WITHOUT ROWID;

-- Per-user data. kind: 1 artist, 2 album, 3 track, 4 playlist.
CREATE TABLE lib_annotations (
    user_id     TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    kind        INTEGER NOT NULL,
    item_id     INTEGER NOT NULL,
    starred_at  INTEGER NOT NULL DEFAULT 0,
    rating      INTEGER NOT NULL DEFAULT 0,
    play_count  INTEGER NOT NULL DEFAULT 0,
    last_played INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, kind, item_id)
) WITHOUT ROWID;
CREATE INDEX idx_lib_annotations_item ON lib_annotations(kind, item_id);

CREATE TABLE lib_playlists (
    id         INTEGER PRIMARY KEY,
    owner_id   TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    comment    TEXT NOT NULL DEFAULT '',
    public     INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX idx_lib_playlists_owner ON lib_playlists(owner_id);

CREATE TABLE lib_playlist_tracks (
    playlist_id INTEGER NOT NULL REFERENCES lib_playlists(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    track_id    INTEGER NOT NULL REFERENCES lib_tracks(id) ON DELETE CASCADE,
    PRIMARY KEY (playlist_id, position)
) WITHOUT ROWID;
CREATE INDEX idx_lib_playlist_tracks_track ON lib_playlist_tracks(track_id);

-- Full-text search (FTS5, build tag sqlite_fts5), external content kept by triggers.
CREATE VIRTUAL TABLE lib_artists_fts USING fts5(name, content='lib_artists', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE lib_albums_fts USING fts5(name, artist_name, content='lib_albums', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE lib_tracks_fts USING fts5(title, artist_name, album_name, content='lib_tracks', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2');

CREATE TRIGGER lib_artists_ai AFTER INSERT ON lib_artists BEGIN
    INSERT INTO lib_artists_fts(rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER lib_artists_ad AFTER DELETE ON lib_artists BEGIN
    INSERT INTO lib_artists_fts(lib_artists_fts, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER lib_artists_au AFTER UPDATE OF name ON lib_artists BEGIN
    INSERT INTO lib_artists_fts(lib_artists_fts, rowid, name) VALUES ('delete', old.id, old.name);
    INSERT INTO lib_artists_fts(rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER lib_albums_ai AFTER INSERT ON lib_albums BEGIN
    INSERT INTO lib_albums_fts(rowid, name, artist_name) VALUES (new.id, new.name, new.artist_name);
END;
CREATE TRIGGER lib_albums_ad AFTER DELETE ON lib_albums BEGIN
    INSERT INTO lib_albums_fts(lib_albums_fts, rowid, name, artist_name) VALUES ('delete', old.id, old.name, old.artist_name);
END;
CREATE TRIGGER lib_albums_au AFTER UPDATE OF name, artist_name ON lib_albums BEGIN
    INSERT INTO lib_albums_fts(lib_albums_fts, rowid, name, artist_name) VALUES ('delete', old.id, old.name, old.artist_name);
    INSERT INTO lib_albums_fts(rowid, name, artist_name) VALUES (new.id, new.name, new.artist_name);
END;
CREATE TRIGGER lib_tracks_ai AFTER INSERT ON lib_tracks BEGIN
    INSERT INTO lib_tracks_fts(rowid, title, artist_name, album_name) VALUES (new.id, new.title, new.artist_name, new.album_name);
END;
CREATE TRIGGER lib_tracks_ad AFTER DELETE ON lib_tracks BEGIN
    INSERT INTO lib_tracks_fts(lib_tracks_fts, rowid, title, artist_name, album_name) VALUES ('delete', old.id, old.title, old.artist_name, old.album_name);
END;
CREATE TRIGGER lib_tracks_au AFTER UPDATE OF title, artist_name, album_name ON lib_tracks BEGIN
    INSERT INTO lib_tracks_fts(lib_tracks_fts, rowid, title, artist_name, album_name) VALUES ('delete', old.id, old.title, old.artist_name, old.album_name);
    INSERT INTO lib_tracks_fts(rowid, title, artist_name, album_name) VALUES (new.id, new.title, new.artist_name, new.album_name);
END;
