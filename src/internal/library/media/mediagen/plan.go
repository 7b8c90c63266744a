package mediagen

import (
	"fmt"
	"math/rand/v2"
	"path"
	"strings"
	"time"

	"segue/internal/library/media"
)

// Options shape a generated library.
type Options struct {
	Tracks      int
	Seed        uint64
	Variants    []Variant     // formats to use; all when empty
	MinDuration time.Duration // track durations are drawn in [MinDuration, MaxDuration]
	MaxDuration time.Duration
}

// Library is a planned library: its tracks and the folder cover images.
type Library struct {
	Tracks       []Track
	FolderCovers []FolderCover
}

// FolderCover is an image file beside an album's tracks.
type FolderCover struct {
	Path  string // relative, slash-separated: "Artist/Album (2004)/cover.jpg"
	Image Image
}

// AllVariants lists every variant Encode writes.
var AllVariants = []Variant{MP3CBR, MP3CBRBare, MP3Xing, MP3VBRI, FLAC, OggVorbis, OggOpus, M4AAAC, M4AALAC}

// genres is the pool tracks draw from: ID3v1 ones and others, Unicode included.
var genres = []struct {
	name string
	v1   int // ID3v1 genre number, -1 when it has none
}{
	{"Rock", 17}, {"Pop", 13}, {"Jazz", 8}, {"Electronic", 52}, {"Classical", 32}, {"Hip-Hop", 7},
	{"Folk", 80}, {"Ambient", 26}, {"Metal", 9}, {"Blues", 0}, {"Soundtrack", 24}, {"Reggae", 16},
	{"Funk", 5}, {"Soul", 42}, {"Punk", 43}, {"Shoegaze", -1}, {"Música Popular Brasileira", -1},
	{"J-Pop", -1}, {"Chanson française", -1}, {"Post-Rock", -1},
}

func id3v1GenreIndex(name string) int {
	for _, g := range genres {
		if g.name == name {
			return g.v1
		}
	}
	return -1
}

var syllables = []string{"ka", "lo", "mi", "ra", "ven", "dor", "sil", "tha", "ne", "ru", "bel", "cor", "an", "is", "mo", "ta", "zen", "fa", "gri", "ul"}
var flourishes = []string{"Björk", "Sigur", "Ñandú", "Øre", "Ночь", "夜の", "Café", "Ærø", "Straße", "Łódź", "Ἀθῆναι", "노래", "Zoë", "Dvořák"}
var words = []string{"Night", "River", "Blue", "Echo", "Garden", "Light", "Paper", "Stone", "Winter", "Signal", "Glass", "Harbour", "Drift", "Ember", "Velvet", "North", "Static", "Bloom"}

type planner struct {
	r    *rand.Rand
	opts Options
}

func (p *planner) pick(list []string) string { return list[p.r.IntN(len(list))] }
func (p *planner) chance(pct int) bool       { return p.r.IntN(100) < pct }

func (p *planner) name() string {
	if p.chance(15) {
		return p.pick(flourishes) + " " + p.pick(words)
	}
	var sb strings.Builder
	for range 2 + p.r.IntN(2) {
		sb.WriteString(p.pick(syllables))
	}
	s := sb.String()
	return strings.ToUpper(s[:1]) + s[1:]
}

func (p *planner) title() string {
	switch p.r.IntN(6) {
	case 0:
		return p.pick(words)
	case 1:
		return p.pick(flourishes) + " " + p.pick(words)
	default:
		return p.pick(words) + " " + p.pick(words)
	}
}

func (p *planner) uuid() string {
	b := make([]byte, 16)
	for i := range b {
		b[i] = byte(p.r.UintN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// Plan lays out a library of opts.Tracks tracks, deterministic for opts.Seed.
func Plan(opts Options) Library {
	if len(opts.Variants) == 0 {
		opts.Variants = AllVariants
	}
	if opts.MaxDuration <= 0 {
		opts.MinDuration, opts.MaxDuration = time.Second, 3*time.Second
	}
	opts.MinDuration = min(max(opts.MinDuration, time.Second/10), opts.MaxDuration)
	p := &planner{r: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x5e9e)), opts: opts}
	artists := make([]string, max(opts.Tracks/40, 4))
	artistIDs := map[string]string{}
	for i := range artists {
		artists[i] = fmt.Sprintf("%s %d", p.name(), i) // unique names
		artistIDs[artists[i]] = p.uuid()
	}
	var lib Library
	for album := 0; len(lib.Tracks) < opts.Tracks; album++ {
		p.album(&lib, album, artists, artistIDs)
	}
	lib.Tracks = lib.Tracks[:opts.Tracks]
	return lib
}

func (p *planner) album(lib *Library, n int, artists []string, artistIDs map[string]string) {
	variant := p.variant()
	a := media.Audio{Channels: 2}
	if p.chance(12) {
		a.Channels = 1
	}
	switch variant {
	case FLAC:
		a.SampleRate, a.BitDepth = 44100, 16
		if p.chance(30) {
			a.SampleRate, a.BitDepth = []int{48000, 96000}[p.r.IntN(2)], 24
		}
	case OggVorbis:
		a.SampleRate = []int{44100, 48000, 22050}[p.r.IntN(3)]
		a.BitRate = []int{64000, 96000, 128000, 160000}[p.r.IntN(4)]
	case M4AAAC:
		a.SampleRate = []int{44100, 48000, 32000}[p.r.IntN(3)]
		a.BitRate = []int{48000, 64000, 96000, 128000}[p.r.IntN(4)]
	case M4AALAC:
		a.SampleRate, a.BitDepth = 44100, 16
		if p.chance(30) {
			a.SampleRate, a.BitDepth = 96000, 24
		}
	case OggOpus:
		a.SampleRate = 48000
		a.BitRate = []int{16000, 32000, 64000}[p.r.IntN(3)]
	case MP3CBRBare:
		a.SampleRate = []int{48000, 32000}[p.r.IntN(2)] // frames divide evenly: no padding
		a.BitRate = []int{32000, 64000, 128000}[p.r.IntN(3)]
	default:
		a.SampleRate = []int{44100, 44100, 44100, 48000, 32000, 22050}[p.r.IntN(6)]
		if a.SampleRate == 22050 {
			a.BitRate = []int{32000, 64000}[p.r.IntN(2)]
		} else { // low rates keep a 10,000-track library near 100 MB
			a.BitRate = []int{32000, 48000, 64000, 64000, 128000}[p.r.IntN(5)]
		}
	}
	style := ID3v24
	if variant.Ext() == ".mp3" {
		style = []TagStyle{ID3v24, ID3v24, ID3v24, ID3v23, ID3v23, ID3v1}[p.r.IntN(6)]
	}

	artist := artists[p.r.IntN(len(artists))]
	albumArtists := []string{artist}
	compilation := p.chance(8)
	if compilation {
		albumArtists = []string{"Various Artists"}
	} else if p.chance(3) {
		albumArtists = append(albumArtists, artists[p.r.IntN(len(artists))])
	}
	t := media.Tags{
		Album:        p.title(),
		AlbumArtist:  strings.Join(albumArtists, " & "),
		AlbumArtists: albumArtists,
		Compilation:  compilation,
	}
	if len(albumArtists) == 1 {
		t.AlbumArtist = albumArtists[0]
	}
	t.Year = 1960 + p.r.IntN(66)
	t.Date = fmt.Sprint(t.Year)
	if p.chance(30) {
		t.Date = fmt.Sprintf("%d-%02d-%02d", t.Year, 1+p.r.IntN(12), 1+p.r.IntN(28))
	}
	if p.chance(20) {
		t.OriginalYear = t.Year - p.r.IntN(20)
		t.OriginalDate = fmt.Sprint(t.OriginalYear)
	}
	for range 1 + p.r.IntN(3) {
		g := genres[p.r.IntN(len(genres))].name
		if !contains(t.Genres, g) {
			t.Genres = append(t.Genres, g)
		}
	}
	if p.chance(50) {
		t.MusicBrainz.AlbumID, t.MusicBrainz.ReleaseGroupID = p.uuid(), p.uuid()
		for _, aa := range albumArtists {
			id := artistIDs[aa]
			if aa == "Various Artists" {
				id = "89ad4ac3-39f7-470e-963a-56509c546377"
			}
			t.MusicBrainz.AlbumArtistIDs = append(t.MusicBrainz.AlbumArtistIDs, id)
		}
	}
	if p.chance(50) {
		t.ReplayGain.HasAlbum = true
		t.ReplayGain.AlbumGain = float64(p.r.IntN(2000)-1500) / 100
		t.ReplayGain.AlbumPeak = float64(500000+p.r.IntN(500000)) / 1e6
	}
	discs := 1
	if p.chance(10) {
		discs = 2 + p.r.IntN(2)
	}
	if discs > 1 || p.chance(60) {
		t.DiscTotal = discs
	}
	var cover *Image
	coverKind := p.r.IntN(10) // 0-3 embedded, 4-7 folder, 8 both, 9 none
	if coverKind <= 3 || coverKind == 8 {
		img := coverImage(n, p.chance(50), 12)
		cover = &img
	}
	dir := path.Join(safe(t.AlbumArtist), fmt.Sprintf("%s (%d)", safe(t.Album), t.Year))
	if coverKind >= 4 && coverKind <= 8 {
		asPNG := p.chance(40)
		name := []string{"cover", "folder", "front"}[p.r.IntN(3)]
		ext := ".jpg"
		if asPNG {
			ext = ".png"
		}
		lib.FolderCovers = append(lib.FolderCovers, FolderCover{Path: path.Join(dir, name+ext), Image: coverImage(n+7, asPNG, 16)})
	}
	span := p.opts.MaxDuration - p.opts.MinDuration
	for disc := 1; disc <= discs; disc++ {
		tracks := 4 + p.r.IntN(11)
		for i := 1; i <= tracks; i++ {
			tt := t
			tt.Title = p.title()
			tt.TrackNumber, tt.TrackTotal = i, tracks
			if t.DiscTotal > 0 {
				tt.DiscNumber = disc
			}
			tt.Artist, tt.Artists = artist, []string{artist}
			if compilation {
				tt.Artist = artists[p.r.IntN(len(artists))]
				tt.Artists = []string{tt.Artist}
			}
			if p.chance(10) {
				feat := artists[p.r.IntN(len(artists))]
				if feat != tt.Artist {
					tt.Artists = []string{tt.Artist, feat}
					tt.Artist += " feat. " + feat
				}
			}
			if t.MusicBrainz.AlbumID != "" {
				tt.MusicBrainz.TrackID, tt.MusicBrainz.ReleaseTrackID = p.uuid(), p.uuid()
				tt.MusicBrainz.ArtistIDs = nil
				for _, a := range tt.Artists {
					tt.MusicBrainz.ArtistIDs = append(tt.MusicBrainz.ArtistIDs, artistIDs[a])
				}
			}
			if t.ReplayGain.HasAlbum {
				tt.ReplayGain.HasTrack = true
				tt.ReplayGain.TrackGain = float64(p.r.IntN(2000)-1500) / 100
				tt.ReplayGain.TrackPeak = float64(500000+p.r.IntN(500000)) / 1e6
			}
			switch p.r.IntN(20) {
			case 0, 1:
				tt.Lyrics = "First line of " + tt.Title + "\nSecond line"
			case 2:
				tt.SyncedLyrics = []media.LyricLine{{At: 1500 * time.Millisecond, Text: "First line"}, {At: 62 * time.Second, Text: "Second line"}}
			case 3:
				tt.Comment = "Recorded live"
			}
			aa := a
			aa.Duration = p.opts.MinDuration + time.Duration(p.r.Int64N(int64(span)+1))
			name := fmt.Sprintf("%02d %s%s", i, safe(tt.Title), variant.Ext())
			if discs > 1 {
				name = fmt.Sprintf("%d-%s", disc, name)
			}
			tr := Track{Path: path.Join(dir, name), Variant: variant, TagStyle: style, Tags: tt, Audio: aa, Cover: cover}
			if p.chance(2) { // no tags at all: the library names it after the file
				tr.Untagged, tr.Cover, tr.Tags = true, nil, media.Tags{}
				tr.Path = path.Join("Unsorted", fmt.Sprintf("untagged %d-%d-%d%s", n, disc, i, variant.Ext()))
			}
			lib.Tracks = append(lib.Tracks, tr)
		}
	}
}

// variantWeights make a planned library look like a real one: mostly MP3 and FLAC.
var variantWeights = map[Variant]int{MP3CBR: 16, MP3CBRBare: 5, MP3Xing: 10, MP3VBRI: 4, FLAC: 25,
	M4AAAC: 12, M4AALAC: 5, OggVorbis: 8, OggOpus: 8}

func (p *planner) variant() Variant {
	total := 0
	for _, v := range p.opts.Variants {
		total += max(variantWeights[v], 1)
	}
	n := p.r.IntN(total)
	for _, v := range p.opts.Variants {
		if n -= max(variantWeights[v], 1); n < 0 {
			return v
		}
	}
	return p.opts.Variants[0]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// safe makes a name usable as one path element on any file system.
func safe(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < 0x20 {
			return '_'
		}
		return r
	}, s)
	s = strings.Trim(s, " .")
	if s == "" {
		return "_"
	}
	return s
}
