package subsonic

import (
	"path"

	"segue/internal/library"
)

// Library values as Subsonic wire types. OpenSubsonic list fields are always
// present (empty when unknown), as the spec asks of a server that supports them.

func genreList(gs []string, first string) []ItemGenre {
	out := make([]ItemGenre, 0, max(len(gs), 1))
	for _, g := range gs {
		out = append(out, ItemGenre{Name: g})
	}
	if len(out) == 0 && first != "" {
		out = append(out, ItemGenre{Name: first})
	}
	return out
}

func artistRefs(rs []library.ArtistRef) []ArtistRef {
	out := make([]ArtistRef, 0, len(rs))
	for _, r := range rs {
		out = append(out, ArtistRef{ID: artistID(r.ID), Name: r.Name})
	}
	return out
}

func coverOf(kind library.Kind, id, coverID int64) string {
	if coverID == 0 {
		return ""
	}
	return itemID(kind, id)
}

func songChild(t library.Track) Child {
	c := Child{
		ID:                 trackID(t.ID),
		Parent:             albumID(t.AlbumID),
		Title:              t.Title,
		Album:              t.AlbumName,
		Artist:             t.ArtistName,
		Track:              t.TrackNumber,
		Year:               t.Year,
		Genre:              t.Genre,
		CoverArt:           coverOf(library.KindTrack, t.ID, t.CoverID),
		Size:               t.Size,
		ContentType:        t.Audio.ContentType,
		Suffix:             t.Audio.Format,
		Duration:           int(t.Duration.Seconds()),
		BitRate:            t.Audio.BitRate,
		BitDepth:           t.Audio.BitDepth,
		SamplingRate:       t.Audio.SampleRate,
		ChannelCount:       t.Audio.Channels,
		Path:               t.Path,
		UserRating:         t.User.Rating,
		PlayCount:          int64(t.User.PlayCount),
		DiscNumber:         t.DiscNumber,
		Created:            iso(t.Added),
		Starred:            iso(t.User.Starred),
		AlbumID:            albumID(t.AlbumID),
		ArtistID:           artistID(t.ArtistID),
		Type:               "music",
		MediaType:          "song",
		Played:             iso(t.User.LastPlayed),
		SortName:           t.SortTitle,
		MusicBrainzID:      t.MBID,
		DisplayArtist:      t.ArtistName,
		DisplayAlbumArtist: t.AlbumArtist,
		Genres:             genreList(t.Genres, t.Genre),
		Artists:            artistRefs(t.Artists),
		AlbumArtists:       []ArtistRef{},
	}
	if c.Path != "" && c.Suffix == "" {
		c.Suffix = path.Ext(c.Path)
	}
	rg := t.ReplayGain
	c.ReplayGain = &ReplayGain{TrackGain: rg.TrackGain, TrackPeak: rg.TrackPeak, AlbumGain: rg.AlbumGain, AlbumPeak: rg.AlbumPeak}
	return c
}

func songChildren(ts []library.Track) []Child {
	out := make([]Child, 0, len(ts))
	for _, t := range ts {
		out = append(out, songChild(t))
	}
	return out
}

func albumID3(a library.Album) AlbumID3 {
	return AlbumID3{
		ID:            albumID(a.ID),
		Name:          a.Name,
		Artist:        a.ArtistName,
		ArtistID:      artistID(a.ArtistID),
		CoverArt:      coverOf(library.KindAlbum, a.ID, a.CoverID),
		SongCount:     a.TrackCount,
		Duration:      int(a.Duration.Seconds()),
		PlayCount:     int64(a.User.PlayCount),
		Created:       iso(a.Added),
		Starred:       iso(a.User.Starred),
		Year:          a.Year,
		Genre:         a.Genre,
		Played:        iso(a.User.LastPlayed),
		UserRating:    a.User.Rating,
		MusicBrainzID: a.MBID,
		DisplayArtist: a.ArtistName,
		SortName:      a.SortName,
		IsCompilation: a.Compilation,
		Genres:        genreList(a.Genres, a.Genre),
		Artists:       artistRefs(a.Artists),
	}
}

func albumID3s(as []library.Album) []AlbumID3 {
	out := make([]AlbumID3, 0, len(as))
	for _, a := range as {
		out = append(out, albumID3(a))
	}
	return out
}

// albumChild is an album as a directory (getAlbumList, search2, getStarred).
func albumChild(a library.Album) Child {
	return Child{
		ID:         albumID(a.ID),
		Parent:     artistID(a.ArtistID),
		IsDir:      true,
		Title:      a.Name,
		Name:       a.Name,
		Album:      a.Name,
		Artist:     a.ArtistName,
		Year:       a.Year,
		Genre:      a.Genre,
		CoverArt:   coverOf(library.KindAlbum, a.ID, a.CoverID),
		Duration:   int(a.Duration.Seconds()),
		UserRating: a.User.Rating,
		PlayCount:  int64(a.User.PlayCount),
		Created:    iso(a.Added),
		Starred:    iso(a.User.Starred),
		AlbumID:    albumID(a.ID),
		ArtistID:   artistID(a.ArtistID),
		MediaType:  "album",
		Played:     iso(a.User.LastPlayed),
		SortName:   a.SortName,
	}
}

func albumChildren(as []library.Album) []Child {
	out := make([]Child, 0, len(as))
	for _, a := range as {
		out = append(out, albumChild(a))
	}
	return out
}

func artistID3(a library.Artist) ArtistID3 {
	return ArtistID3{
		ID:            artistID(a.ID),
		Name:          a.Name,
		CoverArt:      coverOf(library.KindArtist, a.ID, a.CoverID),
		AlbumCount:    a.AlbumCount,
		Starred:       iso(a.User.Starred),
		UserRating:    a.User.Rating,
		MusicBrainzID: a.MBID,
		SortName:      a.SortName,
	}
}

func artistID3s(as []library.Artist) []ArtistID3 {
	out := make([]ArtistID3, 0, len(as))
	for _, a := range as {
		out = append(out, artistID3(a))
	}
	return out
}

func playlistOf(p library.Playlist) Playlist {
	return Playlist{
		ID:        playlistID(p.ID),
		Name:      p.Name,
		Comment:   p.Comment,
		Owner:     p.OwnerName,
		Public:    p.Public,
		SongCount: p.TrackCount,
		Duration:  int(p.Duration.Seconds()),
		Created:   iso(p.Created),
		Changed:   iso(p.Changed),
		CoverArt:  coverOf(library.KindPlaylist, p.ID, p.CoverID),
		Readonly:  !p.Editable,
	}
}
