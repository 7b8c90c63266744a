// Package library is the music library: the music folders, the scanner that reads
// them into SQLite, artwork and its thumbnail cache, per-user data (stars, ratings,
// plays, now playing), playlists and search. It is the one store the Subsonic edge
// and the Music Assistant API both read, and it knows neither protocol.
//
// Every query takes a Viewer: whose per-user data is joined in and which music
// folders they may see. Ids are opaque database row ids, never paths; files are
// opened only through the library, which resolves every path (symlinks included)
// and refuses anything outside its music folders.
package library
