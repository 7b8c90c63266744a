package music_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// The result shapes of the MA music API (shared/reference/ma-music-api.md §2–4,
// checked against the frontend's interfaces.ts): what each command must answer.

type obj = map[string]any

var (
	digits  = regexp.MustCompile(`^[0-9]+$`)
	hex64   = regexp.MustCompile(`^[0-9a-f]{64}$`)
	isMedia = map[string]bool{"artist": true, "album": true, "track": true, "playlist": true, "genre": true, "radio": true, "folder": true}
)

type shapeErr struct{ path, msg string }

func (e shapeErr) Error() string { return e.path + ": " + e.msg }

func bad(path, format string, args ...any) error { return shapeErr{path, fmt.Sprintf(format, args...)} }

func asObj(v any, path string) (obj, error) {
	o, ok := v.(obj)
	if !ok {
		return nil, bad(path, "want an object, got %T", v)
	}
	return o, nil
}

func asList(v any, path string) ([]any, error) {
	l, ok := v.([]any)
	if !ok {
		return nil, bad(path, "want an array, got %T", v)
	}
	return l, nil
}

// keys checks that o has every key with the JSON kind given ("s" string, "b"
// bool, "n" number, "a" array, "o" object, "?…" nullable, "~…" optional: absent
// or else of that kind, "*" anything).
func keys(o obj, path string, spec map[string]string) error {
	for k, kind := range spec {
		v, ok := o[k]
		optional := strings.HasPrefix(kind, "~")
		kind = strings.TrimPrefix(kind, "~")
		if !ok && optional {
			continue
		}
		if !ok {
			return bad(path+"."+k, "missing")
		}
		nullable := strings.HasPrefix(kind, "?")
		kind = strings.TrimPrefix(kind, "?")
		if v == nil {
			if nullable || kind == "*" {
				continue
			}
			return bad(path+"."+k, "is null")
		}
		okKind := true
		switch kind {
		case "s":
			_, okKind = v.(string)
		case "b":
			_, okKind = v.(bool)
		case "n":
			_, okKind = v.(float64)
		case "a":
			_, okKind = v.([]any)
		case "o":
			_, okKind = v.(obj)
		}
		if !okKind {
			return bad(path+"."+k, "want kind %s, got %T", kind, v)
		}
	}
	return nil
}

var baseSpec = map[string]string{"item_id": "s", "provider": "s", "name": "s", "version": "s", "sort_name": "s", "uri": "s",
	"external_ids": "a", "is_playable": "b", "media_type": "s"}

func checkBase(o obj, path string) error {
	if err := keys(o, path, baseSpec); err != nil {
		return err
	}
	mt := o["media_type"].(string)
	if !isMedia[mt] {
		return bad(path+".media_type", "unknown %q", mt)
	}
	if want := o["provider"].(string) + "://" + mt + "/" + o["item_id"].(string); mt != "folder" && o["uri"] != want {
		return bad(path+".uri", "%v, want %s", o["uri"], want)
	}
	if o["provider"] == "library" && mt != "folder" && !digits.MatchString(o["item_id"].(string)) {
		return bad(path+".item_id", "library ids are digits: %v", o["item_id"])
	}
	return nil
}

func checkImage(v any, path string) error {
	o, err := asObj(v, path)
	if err != nil {
		return err
	}
	if err := keys(o, path, map[string]string{"type": "s", "path": "s", "provider": "s", "remotely_accessible": "b", "proxy_id": "s"}); err != nil {
		return err
	}
	if o["provider"] == "library" {
		return bad(path+".provider", "the frontend drops images whose provider is \"library\"")
	}
	if !hex64.MatchString(o["proxy_id"].(string)) {
		return bad(path+".proxy_id", "want 64 hex characters")
	}
	return nil
}

// checkMapping is an ItemMapping: base + available, image, year; no provider_mappings.
func checkMapping(o obj, path string) error {
	if err := checkBase(o, path); err != nil {
		return err
	}
	if err := keys(o, path, map[string]string{"available": "b", "image": "?o"}); err != nil {
		return err
	}
	if o["image"] != nil {
		return checkImage(o["image"], path+".image")
	}
	return nil
}

// checkItem checks a full media item (or an ItemMapping where MA allows one).
func checkItem(v any, path string) error {
	o, err := asObj(v, path)
	if err != nil {
		return err
	}
	if _, full := o["provider_mappings"]; !full {
		return checkMapping(o, path)
	}
	if err := checkBase(o, path); err != nil {
		return err
	}
	if err := keys(o, path, map[string]string{"provider_mappings": "a", "metadata": "o", "favorite": "b", "available": "b",
		"position": "?n", "date_added": "?s"}); err != nil {
		return err
	}
	for i, m := range o["provider_mappings"].([]any) {
		mp := fmt.Sprintf("%s.provider_mappings[%d]", path, i)
		mo, err := asObj(m, mp)
		if err != nil {
			return err
		}
		if err := keys(mo, mp, map[string]string{"item_id": "s", "provider_domain": "s", "provider_instance": "s", "available": "b",
			"in_library": "b", "audio_format": "o"}); err != nil {
			return err
		}
		if err := keys(mo["audio_format"].(obj), mp+".audio_format", map[string]string{"content_type": "s", "codec_type": "s",
			"sample_rate": "n", "bit_depth": "n", "channels": "n", "output_format_str": "s", "bit_rate": "n"}); err != nil {
			return err
		}
	}
	md := o["metadata"].(obj)
	if err := keys(md, path+".metadata", map[string]string{"images": "a", "explicit": "~?b", "genres": "?a", "description": "~?s", "release_date": "~?s"}); err != nil {
		return err
	}
	for i, img := range md["images"].([]any) {
		if err := checkImage(img, fmt.Sprintf("%s.metadata.images[%d]", path, i)); err != nil {
			return err
		}
	}
	var spec map[string]string
	switch o["media_type"] {
	case "artist":
		spec = map[string]string{"artist_type": "s"}
	case "album":
		spec = map[string]string{"year": "?n", "artists": "a", "album_type": "s"}
	case "track":
		spec = map[string]string{"duration": "n", "artists": "a", "album": "?o", "disc_number": "n", "track_number": "n", "last_played": "n"}
	case "playlist":
		spec = map[string]string{"owner": "s", "is_editable": "b", "is_dynamic": "b", "supported_mediatypes": "a"}
	case "genre":
		spec = map[string]string{"content_type": "?s", "genre_aliases": "?a"}
	}
	if err := keys(o, path, spec); err != nil {
		return err
	}
	if arts, ok := o["artists"].([]any); ok {
		if len(arts) == 0 {
			return bad(path+".artists", "empty")
		}
		for i, a := range arts {
			if err := checkItem(a, fmt.Sprintf("%s.artists[%d]", path, i)); err != nil {
				return err
			}
		}
	}
	if al, ok := o["album"].(obj); ok {
		return checkItem(al, path+".album")
	}
	return nil
}

func checkItems(v any, path string) error {
	l, err := asList(v, path)
	if err != nil {
		return err
	}
	for i, it := range l {
		if err := checkItem(it, fmt.Sprintf("%s[%d]", path, i)); err != nil {
			return err
		}
	}
	return nil
}

func listOf(spec map[string]string) func(any, string) error {
	return func(v any, path string) error {
		l, err := asList(v, path)
		if err != nil {
			return err
		}
		for i, it := range l {
			o, err := asObj(it, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return err
			}
			if err := keys(o, fmt.Sprintf("%s[%d]", path, i), spec); err != nil {
				return err
			}
		}
		return nil
	}
}

func objectWith(spec map[string]string) func(any, string) error {
	return func(v any, path string) error {
		o, err := asObj(v, path)
		if err != nil {
			return err
		}
		return keys(o, path, spec)
	}
}

func number(v any, path string) error {
	if _, ok := v.(float64); !ok {
		return bad(path, "want a number, got %T", v)
	}
	return nil
}

func isNull(v any, path string) error {
	if v != nil {
		return bad(path, "want null, got %v", v)
	}
	return nil
}

func anyValue(any, string) error { return nil }

// lyricsPair is metadata/get_track_lyrics' (lyrics, lrc_lyrics): two strings or nulls.
func lyricsPair(v any, path string) error {
	l, err := asList(v, path)
	if err != nil {
		return err
	}
	if len(l) != 2 {
		return bad(path, "want 2 entries, got %d", len(l))
	}
	for i, e := range l {
		if _, ok := e.(string); e != nil && !ok {
			return bad(fmt.Sprintf("%s[%d]", path, i), "want a string or null, got %T", e)
		}
	}
	return nil
}

var searchKeys = map[string]string{"artists": "a", "albums": "a", "tracks": "a", "playlists": "a", "radio": "a", "podcasts": "a", "audiobooks": "a", "genres": "a"}

// shapeOf returns the checker of a command's result.
func shapeOf(command string) func(any, string) error {
	switch {
	case strings.HasSuffix(command, "/count"):
		return number
	case strings.HasSuffix(command, "/library_items"), strings.HasSuffix(command, "/artist_albums"), strings.HasSuffix(command, "/artist_tracks"),
		strings.HasSuffix(command, "/album_tracks"), strings.HasSuffix(command, "/playlist_tracks"), strings.HasSuffix(command, "_versions"),
		strings.HasSuffix(command, "/track_albums"), strings.HasSuffix(command, "/genres_for_media_item"),
		command == "music/recommendations/items", command == "music/recently_played_items", command == "music/in_progress_items":
		return checkItems
	case strings.HasPrefix(command, "players/cmd/"), command == "player_queues/play_media", command == "player_queues/repeat",
		command == "player_queues/shuffle":
		return isNull
	case strings.HasPrefix(command, "music/") && (strings.HasSuffix(command, "/get") || strings.Contains(command, "/get_")):
		return func(v any, p string) error {
			if v == nil && command == "music/get_library_item" {
				return nil
			}
			return checkItem(v, p)
		}
	}
	switch command {
	case "players/all":
		return listOf(map[string]string{"player_id": "s", "name": "s", "available": "b", "supported_features": "a"})
	case "player_queues/all":
		return listOf(map[string]string{"queue_id": "s", "items": "n", "elapsed_time": "n"})
	case "providers/manifests":
		return listOf(map[string]string{"type": "s", "domain": "s", "name": "s", "icon_images": "a", "multi_instance": "b", "stage": "s"})
	case "providers":
		return listOf(map[string]string{"type": "s", "domain": "s", "name": "s", "instance_id": "s", "supported_features": "a", "available": "b", "is_streaming_provider": "?b"})
	case "config/providers":
		return listOf(map[string]string{"values": "o", "type": "s", "domain": "s", "instance_id": "s", "enabled": "b", "last_error": "?o", "status": "?s"})
	case "config/players", "players/tts_engines":
		return listOf(map[string]string{})
	case "tasks/list":
		return listOf(map[string]string{"id": "s", "name": "s", "status": "s", "metadata": "o", "logs": "a"})
	case "music/search":
		return func(v any, p string) error {
			if err := objectWith(searchKeys)(v, p); err != nil {
				return err
			}
			for k := range searchKeys {
				if err := checkItems(v.(obj)[k], p+"."+k); err != nil {
					return err
				}
			}
			return nil
		}
	case "music/recommendations":
		return listOf(map[string]string{"item_id": "s", "provider": "s", "name": "s", "uri": "s", "media_type": "s", "items": "a", "path": "s"})
	case "music/genres/media_counts":
		return objectWith(map[string]string{})
	case "translations/set_locale":
		return objectWith(map[string]string{"locale": "s"})
	case "auth/me":
		return objectWith(map[string]string{"user_id": "s", "username": "s", "role": "s", "preferences": "o", "provider_filter": "a", "player_filter": "a"})
	case "config/core/get_value":
		return func(v any, p string) error {
			if _, ok := v.(string); !ok {
				return bad(p, "want a string, got %T", v)
			}
			return nil
		}
	case "music/favorites/add_item", "music/favorites/remove_item", "providers/icon":
		return isNull
	case "time":
		return number
	case "auth/providers":
		return listOf(map[string]string{"provider_id": "s", "provider_type": "s", "requires_redirect": "b"})
	case "music/genres/genre_exclusions_for_media_item":
		return checkItems
	case "player_queues/items":
		return listOf(map[string]string{"queue_id": "s", "queue_item_id": "s", "name": "s", "duration": "n", "media_item": "o", "available": "b"})

	case "metadata/get_track_lyrics":
		return lyricsPair
	case "dashboard/sessions", "dashboard/dashboards":
		return listOf(map[string]string{})
	case "auth/user/update":
		return objectWith(map[string]string{"user_id": "s", "preferences": "o"})
	}
	return anyValue
}

// checkShape decodes a result and checks it.
func checkShape(command string, raw json.RawMessage) error {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	return shapeOf(command)(v, command)
}
