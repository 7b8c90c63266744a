package music

import (
	"strconv"
	"strings"
	"time"

	"segue/internal/library"
)

// view turns library rows into MA items for one request. It snapshots the folder
// list once, so a listing costs no lookups per row.
type view struct {
	folders map[int64]library.Folder
	// first is the lowest configured folder id: the home of items that span folders.
	first  int64
	images *imageKeys
}

func (m *Module) view() *view {
	all := m.lib.AllFolders()
	v := &view{folders: make(map[int64]library.Folder, len(all)), images: m.images}
	for _, f := range all {
		v.folders[f.ID] = f
		if f.Configured && (v.first == 0 || f.ID < v.first) {
			v.first = f.ID
		}
	}
	return v
}

func libraryURI(mediaType string, id int64) string {
	return "library://" + mediaType + "/" + strconv.FormatInt(id, 10)
}

func newBase(mediaType string, id int64, name, sortName string) base {
	if sortName == "" {
		sortName = name
	}
	return base{ItemID: strconv.FormatInt(id, 10), Provider: "library", Name: name, SortName: strings.ToLower(sortName),
		URI: libraryURI(mediaType, id), ExternalIDs: [][2]string{}, IsPlayable: true, MediaType: mediaType}
}

func emptyMetadata() Metadata {
	return Metadata{Images: []Image{}, Genres: []string{}, Links: []any{}, Performers: []string{}, Languages: []string{}}
}

func isoTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func unixSeconds(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// image is the thumb of a cover, served by /imageproxy under a keyed id, or nil.
func (v *view) image(coverID, folderID int64) *Image {
	if coverID == 0 {
		return nil
	}
	f, ok := v.folders[folderID]
	if !ok {
		// Artists and playlists span folders: the image's provider only has to be a
		// known, available provider instance for the frontend to show it.
		f = v.folders[v.first]
	}
	id := v.images.id(coverID)
	return &Image{Type: "thumb", Path: id, Provider: f.ProviderInstance, ProxyID: id}
}

func (v *view) images1(coverID, folderID int64) []Image {
	if img := v.image(coverID, folderID); img != nil {
		return []Image{*img}
	}
	return []Image{}
}

func (v *view) mapping(folderID int64, key string, available bool, af AudioFormat) ProviderMapping {
	f := v.folders[folderID]
	return ProviderMapping{ItemID: key, ProviderDomain: library.ProviderDomain, ProviderInstance: f.ProviderInstance,
		Available: available && f.Online, InLibrary: true, AudioFormat: af}
}

func noFormat() AudioFormat {
	return AudioFormat{ContentType: "?", CodecType: "?", SampleRate: 44100, BitDepth: 16, Channels: 2, OutputFormatStr: "?"}
}

// audioFormat maps the library's header facts to MA's content types.
func audioFormat(a library.AudioFormat) AudioFormat {
	af := noFormat()
	if a.Format != "" {
		af.ContentType, af.OutputFormatStr = strings.ToLower(a.Format), strings.ToLower(a.Format)
	}
	if a.Codec != "" {
		af.CodecType = strings.ToLower(a.Codec)
	}
	if a.SampleRate > 0 {
		af.SampleRate = a.SampleRate
	}
	if a.BitDepth > 0 {
		af.BitDepth = a.BitDepth
	}
	if a.Channels > 0 {
		af.Channels = a.Channels
	}
	af.BitRate = a.BitRate
	return af
}

func (v *view) itemMapping(mediaType string, id int64, name string, img *Image, year int) ItemMapping {
	im := ItemMapping{base: newBase(mediaType, id, name, name), Available: true, Image: img}
	if year > 0 {
		im.Year = &year
	}
	return im
}

func (v *view) artistRefs(refs []library.ArtistRef, fallbackID int64, fallbackName string) []ItemMapping {
	out := make([]ItemMapping, 0, max(1, len(refs)))
	for _, r := range refs {
		out = append(out, v.itemMapping("artist", r.ID, r.Name, nil, 0))
	}
	if len(out) == 0 && fallbackID != 0 {
		out = append(out, v.itemMapping("artist", fallbackID, fallbackName, nil, 0))
	}
	return out
}

func (v *view) artist(a library.Artist) Artist {
	md := emptyMetadata()
	md.Images = v.images1(a.CoverID, 0)
	// An artist lives in every folder that has their tracks; the library does not
	// say which, so the mapping names the first folder (the provider filter is
	// applied by the library's queries, not by this mapping).
	mappings := []ProviderMapping{}
	if v.first != 0 {
		mappings = append(mappings, v.mapping(v.first, "artist/"+strconv.FormatInt(a.ID, 10), a.Available, noFormat()))
	}
	return Artist{mediaItem: mediaItem{base: newBase("artist", a.ID, a.Name, a.SortName), ProviderMappings: mappings,
		Metadata: md, Favorite: !a.User.Starred.IsZero(), DateAdded: isoTime(a.Added), Available: a.Available},
		ArtistType: "singer"}
}

func (v *view) album(a library.Album) Album {
	md := emptyMetadata()
	md.Images = v.images1(a.CoverID, a.FolderID)
	if len(a.Genres) > 0 {
		md.Genres = a.Genres
	} else if a.Genre != "" {
		md.Genres = []string{a.Genre}
	}
	out := Album{mediaItem: mediaItem{base: newBase("album", a.ID, a.Name, a.SortName),
		ProviderMappings: []ProviderMapping{v.mapping(a.FolderID, "album/"+strconv.FormatInt(a.ID, 10), a.Available, noFormat())},
		Metadata:         md, Favorite: !a.User.Starred.IsZero(), DateAdded: isoTime(a.Added), Available: a.Available && v.folders[a.FolderID].Online},
		Artists: v.artistRefs(a.Artists, a.ArtistID, a.ArtistName), AlbumType: "album"}
	if a.Compilation {
		out.AlbumType = "compilation"
	}
	if a.Year > 0 {
		y := a.Year
		out.Year = &y
	}
	return out
}

func (v *view) track(t library.Track) Track {
	md := emptyMetadata()
	md.Images = v.images1(t.CoverID, t.FolderID)
	if len(t.Genres) > 0 {
		md.Genres = t.Genres
	} else if t.Genre != "" {
		md.Genres = []string{t.Genre}
	}
	if t.Date != "" {
		d := t.Date
		md.ReleaseDate = &d
	}
	var album any
	if t.AlbumID != 0 {
		album = v.itemMapping("album", t.AlbumID, t.AlbumName, v.image(t.CoverID, t.FolderID), t.Year)
	}
	return Track{mediaItem: mediaItem{base: newBase("track", t.ID, t.Title, t.SortTitle),
		ProviderMappings: []ProviderMapping{v.mapping(t.FolderID, t.Path, t.Available, audioFormat(t.Audio))},
		Metadata:         md, Favorite: !t.User.Starred.IsZero(), DateAdded: isoTime(t.Added), Available: t.Available && v.folders[t.FolderID].Online},
		Duration: int(t.Duration / time.Second), Artists: v.artistRefs(t.Artists, t.ArtistID, t.ArtistName), Album: album,
		DiscNumber: t.DiscNumber, TrackNumber: t.TrackNumber, LastPlayed: unixSeconds(t.User.LastPlayed)}
}

func (v *view) playlist(p library.Playlist) Playlist {
	md := emptyMetadata()
	md.Images = v.images1(p.CoverID, 0)
	// A playlist is Segue's own (stored in the library, not in a folder): it maps to
	// every folder so it stays available whichever the user may see.
	mappings := []ProviderMapping{}
	if v.first != 0 {
		mappings = append(mappings, v.mapping(v.first, "playlist/"+strconv.FormatInt(p.ID, 10), true, noFormat()))
	}
	return Playlist{mediaItem: mediaItem{base: newBase("playlist", p.ID, p.Name, p.Name), ProviderMappings: mappings,
		Metadata: md, Favorite: !p.User.Starred.IsZero(), DateAdded: isoTime(p.Created), Available: true},
		Owner: p.OwnerName, IsEditable: p.Editable, SupportedMediaTypes: []string{"track"}}
}

func (v *view) genre(g library.Genre) Genre {
	return Genre{mediaItem: mediaItem{base: newBase("genre", g.ID, g.Name, g.Name), ProviderMappings: []ProviderMapping{},
		Metadata: emptyMetadata(), Available: true}, GenreAliases: []string{}}
}
