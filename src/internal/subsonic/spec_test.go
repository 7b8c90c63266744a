package subsonic_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// specType is one response type of the OpenSubsonic spec
// (opensubsonic.netlify.app/docs/responses): its required fields with their
// JSON types, and the element type of its nested objects and arrays.
type specType struct {
	required map[string]string // field → "string" | "number" | "boolean" | "array" | "object"
	children map[string]string // field → spec type name
}

func req(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// childFields are the Child types a song carries (OpenSubsonic lists included).
var childKids = map[string]string{"genres": "ItemGenre", "artists": "ArtistRef", "albumArtists": "ArtistRef", "replayGain": "ReplayGain"}

var albumKids = map[string]string{"genres": "ItemGenre", "artists": "ArtistRef"}

// spec is the table the golden JSON answers are checked against. Keys of the
// subsonic-response envelope map to their type in payloadTypes.
var spec = map[string]specType{
	"MusicFolders":        {children: map[string]string{"musicFolder": "MusicFolder"}},
	"MusicFolder":         {required: req("id", "number")},
	"Indexes":             {required: req("ignoredArticles", "string", "lastModified", "number"), children: map[string]string{"index": "Index"}},
	"Index":               {required: req("name", "string"), children: map[string]string{"artist": "Artist"}},
	"Artist":              {required: req("id", "string", "name", "string")},
	"ArtistsID3":          {required: req("ignoredArticles", "string"), children: map[string]string{"index": "IndexID3"}},
	"IndexID3":            {required: req("name", "string"), children: map[string]string{"artist": "ArtistID3"}},
	"ArtistID3":           {required: req("id", "string", "name", "string")},
	"ArtistRef":           {required: req("id", "string", "name", "string")},
	"ArtistWithAlbumsID3": {required: req("id", "string", "name", "string", "albumCount", "number"), children: map[string]string{"album": "AlbumID3"}},
	"AlbumID3":            {required: req("id", "string", "name", "string", "songCount", "number", "duration", "number", "created", "string"), children: albumKids},
	"AlbumID3WithSongs": {required: req("id", "string", "name", "string", "songCount", "number", "duration", "number", "created", "string"),
		children: map[string]string{"genres": "ItemGenre", "artists": "ArtistRef", "song": "Child"}},
	"Child":             {required: req("id", "string", "isDir", "boolean", "title", "string"), children: childKids},
	"ItemGenre":         {required: req("name", "string")},
	"ReplayGain":        {},
	"Directory":         {required: req("id", "string", "name", "string"), children: map[string]string{"child": "Child"}},
	"Genres":            {children: map[string]string{"genre": "Genre"}},
	"Genre":             {required: req("value", "string", "songCount", "number", "albumCount", "number")},
	"AlbumList":         {children: map[string]string{"album": "Child"}},
	"AlbumList2":        {children: map[string]string{"album": "AlbumID3"}},
	"Songs":             {children: map[string]string{"song": "Child"}},
	"SearchResult2":     {children: map[string]string{"artist": "Artist", "album": "Child", "song": "Child"}},
	"SearchResult3":     {children: map[string]string{"artist": "ArtistID3", "album": "AlbumID3", "song": "Child"}},
	"NowPlaying":        {children: map[string]string{"entry": "NowPlayingEntry"}},
	"NowPlayingEntry":   {required: req("id", "string", "isDir", "boolean", "title", "string", "username", "string", "minutesAgo", "number", "playerId", "number"), children: childKids},
	"Playlists":         {children: map[string]string{"playlist": "Playlist"}},
	"Playlist":          {required: req("id", "string", "name", "string", "songCount", "number", "duration", "number", "created", "string", "changed", "string")},
	"PlaylistWithSongs": {required: req("id", "string", "name", "string", "songCount", "number", "duration", "number", "created", "string", "changed", "string"), children: map[string]string{"entry": "Child"}},
	"Lyrics":            {required: req("value", "string")},
	"LyricsList":        {children: map[string]string{"structuredLyrics": "StructuredLyrics"}},
	"StructuredLyrics":  {required: req("lang", "string", "synced", "boolean", "line", "array"), children: map[string]string{"line": "Line"}},
	"Line":              {required: req("value", "string")},
	"ArtistInfo2":       {children: map[string]string{"similarArtist": "ArtistID3"}},
	"AlbumInfo":         {},
	"ScanStatus":        {required: req("scanning", "boolean")},
	"User": {required: req("username", "string", "scrobblingEnabled", "boolean", "adminRole", "boolean", "settingsRole", "boolean",
		"downloadRole", "boolean", "uploadRole", "boolean", "playlistRole", "boolean", "coverArtRole", "boolean", "commentRole", "boolean",
		"podcastRole", "boolean", "streamRole", "boolean", "jukeboxRole", "boolean", "shareRole", "boolean", "videoConversionRole", "boolean")},
	"OpenSubsonicExtension": {required: req("name", "string", "versions", "array")},
	"License":               {required: req("valid", "boolean")},
	"TokenInfo":             {required: req("username", "string")},
	"Error":                 {required: req("code", "number", "message", "string")},
}

// payloadTypes maps a subsonic-response key to its spec type. Some keys
// (artist, album, playlist) name a different type per method: the golden
// file's method decides (payloadOverride).
var payloadTypes = map[string]string{
	"musicFolders": "MusicFolders", "indexes": "Indexes", "artists": "ArtistsID3", "artist": "ArtistWithAlbumsID3",
	"album": "AlbumID3WithSongs", "song": "Child", "directory": "Directory", "genres": "Genres", "albumList": "AlbumList",
	"albumList2": "AlbumList2", "randomSongs": "Songs", "songsByGenre": "Songs", "searchResult2": "SearchResult2",
	"searchResult3": "SearchResult3", "starred": "SearchResult2", "starred2": "SearchResult3", "nowPlaying": "NowPlaying",
	"playlists": "Playlists", "playlist": "PlaylistWithSongs", "lyrics": "Lyrics", "lyricsList": "LyricsList",
	"artistInfo2": "ArtistInfo2", "albumInfo": "AlbumInfo", "scanStatus": "ScanStatus", "user": "User",
	"openSubsonicExtensions": "OpenSubsonicExtension", "license": "License", "tokenInfo": "TokenInfo", "error": "Error",
}

var envelopeFields = req("status", "string", "version", "string", "type", "string", "serverVersion", "string", "openSubsonic", "boolean")

func jsonType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "null"
}

// checkSpec reports every required field missing or of the wrong type in v
// (an object or an array of objects of type typ), recursively.
func checkSpec(where, typ string, v any) []string {
	st, ok := spec[typ]
	if !ok {
		return []string{where + ": no spec type " + typ}
	}
	if arr, ok := v.([]any); ok {
		var out []string
		for i, e := range arr {
			out = append(out, checkSpec(fmt.Sprintf("%s[%d]", where, i), typ, e)...)
		}
		return out
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("%s: %s is a %s, not an object", where, typ, jsonType(v))}
	}
	var out []string
	for f, want := range st.required {
		got, ok := obj[f]
		if !ok {
			out = append(out, fmt.Sprintf("%s (%s): required field %q missing", where, typ, f))
		} else if jsonType(got) != want {
			out = append(out, fmt.Sprintf("%s (%s): field %q is a %s, spec says %s", where, typ, f, jsonType(got), want))
		}
	}
	for f, kid := range st.children {
		if c, ok := obj[f]; ok {
			out = append(out, checkSpec(where+"."+f, kid, c)...)
		}
	}
	return out
}

// TestGoldenJSONMatchesSpec checks every golden JSON answer against the
// OpenSubsonic spec table: envelope fields, then each payload's required fields
// and their types, nested types included. Unknown payload keys fail too, so a
// new method cannot skip the table.
func TestGoldenJSONMatchesSpec(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/subsonic/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden JSON files: %v", err)
	}
	sort.Strings(files)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, body, ok := strings.Cut(string(raw), "\n\n")
		if !ok {
			t.Fatalf("%s: no body", f)
		}
		var env map[string]map[string]any
		if err := json.Unmarshal([]byte(body), &env); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		r, ok := env["subsonic-response"]
		if !ok {
			t.Fatalf("%s: no subsonic-response", f)
		}
		var problems []string
		for k, want := range envelopeFields {
			if jsonType(r[k]) != want {
				problems = append(problems, fmt.Sprintf("envelope field %q is %s, want %s", k, jsonType(r[k]), want))
			}
		}
		for k, v := range r {
			if _, isEnv := envelopeFields[k]; isEnv {
				continue
			}
			typ, ok := payloadTypes[k]
			if !ok {
				problems = append(problems, "payload key "+k+" is not in the spec table")
				continue
			}
			problems = append(problems, checkSpec(k, typ, v)...)
		}
		for _, p := range problems {
			t.Errorf("%s: %s", filepath.Base(f), p)
		}
	}
}
