-- Every player ever seen, so one that is unavailable at start-up still shows (as
-- unavailable) instead of vanishing, and the admin's choices for it.
CREATE TABLE players (
	player_id   TEXT PRIMARY KEY,
	name        TEXT NOT NULL,
	hide_in_ui  INTEGER NOT NULL DEFAULT 0,
	-- output format the speaker gets: '' = automatic (MP3 unless its platform takes
	-- the original), 'mp3', or 'original'
	format      TEXT NOT NULL DEFAULT ''
) STRICT;
