-- Player queues survive a restart: the items in play order and where playback was.
CREATE TABLE queues (
	queue_id      TEXT PRIMARY KEY,
	current_index INTEGER NOT NULL DEFAULT -1,
	resume_pos    REAL NOT NULL DEFAULT 0,
	shuffle       INTEGER NOT NULL DEFAULT 0,
	repeat_mode   TEXT NOT NULL DEFAULT 'off',
	next_sort     INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE queue_items (
	queue_id TEXT NOT NULL,
	position INTEGER NOT NULL,
	item     TEXT NOT NULL, -- the QueueItem as the frontend reads it (JSON)
	track    TEXT NOT NULL, -- what the speaker is told about it (JSON)
	PRIMARY KEY (queue_id, position)
) STRICT;
