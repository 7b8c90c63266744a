package music

import (
	"context"
	"path"
	"strconv"
	"strings"

	"segue/internal/auth"
	"segue/internal/fail"
	"segue/internal/text"
)

// QueueTrack is one library track as a player queue needs it: the MA Track the
// frontend shows and what a speaker is told (title, artist, album, cover).
type QueueTrack struct {
	TrackID  int64
	Name     string // "<artists> - <title>", MA's queue item name
	Title    string
	Artist   string
	Album    string
	Duration int    // seconds
	Suffix   string // the file's extension ("flac"), for URLs that send it as it is
	// SampleRate (Hz), BitDepth and Channels of the file, 0 when unknown.
	SampleRate, BitDepth, Channels int
	Image                          *Image // nil without a cover
	ImagePath                      string // "/imageproxy/<id>?size=512", "" without a cover
	MediaItem                      Track
}

// QueueTracks expands library URIs (library://track|album|artist|playlist/<id>) into
// tracks the principal may play, in play order: albums by disc and track, artists'
// tracks, playlists' entries.
func (m *Module) QueueTracks(ctx context.Context, p *auth.Principal, uris []string) ([]QueueTrack, error) {
	v := m.viewer(p)
	var out []QueueTrack
	for _, uri := range uris {
		kind, idText, ok := strings.Cut(strings.TrimPrefix(uri, "library://"), "/")
		id, idOK := libraryID(idText)
		if !ok || !idOK || !strings.HasPrefix(uri, "library://") {
			return nil, fail.NotFound("Unknown media %s", text.Truncate(uri, 80))
		}
		var tracks []Track
		var err error
		switch kind {
		case "track":
			var t Track
			t, err = m.getTrack(ctx, v, id, itemArgs{})
			tracks = []Track{t}
		case "album":
			tracks, err = m.albumTracks(ctx, v, id, itemArgs{})
		case "artist":
			tracks, err = m.artistTracks(ctx, v, id, itemArgs{})
		case "playlist":
			tracks, err = m.playlistTracks(ctx, v, id, itemArgs{})
		default:
			return nil, fail.Invalid("Cannot play media of type %s", text.Truncate(kind, 20))
		}
		if err != nil {
			return nil, err
		}
		for _, t := range tracks {
			out = append(out, queueTrack(t))
		}
	}
	return out, nil
}

func queueTrack(t Track) QueueTrack {
	id, _ := strconv.ParseInt(t.ItemID, 10, 64)
	var artists []string
	for _, a := range t.Artists {
		artists = append(artists, a.Name)
	}
	q := QueueTrack{TrackID: id, Title: t.Name, Artist: strings.Join(artists, ", "), Duration: t.Duration, MediaItem: t}
	q.Name = t.Name
	if q.Artist != "" {
		q.Name = q.Artist + " - " + t.Name
	}
	switch al := t.Album.(type) {
	case ItemMapping:
		q.Album = al.Name
	case Album:
		q.Album = al.Name
	}
	if len(t.ProviderMappings) > 0 {
		pm := t.ProviderMappings[0]
		if pm.AudioFormat.ContentType != "?" { // known format: its header facts are real
			q.SampleRate, q.BitDepth, q.Channels = pm.AudioFormat.SampleRate, pm.AudioFormat.BitDepth, pm.AudioFormat.Channels
		}
		if q.Suffix = strings.TrimPrefix(path.Ext(pm.ItemID), "."); q.Suffix == "" && pm.AudioFormat.ContentType != "?" {
			q.Suffix = pm.AudioFormat.ContentType
		}
	}
	if len(t.Metadata.Images) > 0 {
		img := t.Metadata.Images[0]
		q.Image, q.ImagePath = &img, "/imageproxy/"+img.Path+"?size=512"
	}
	return q
}
