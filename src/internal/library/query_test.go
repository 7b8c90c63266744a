package library

import (
	"testing"

	"segue/internal/fail"
)

func TestQueriesOverIngestedTracks(t *testing.T) {
	f := newFixture(t, 1)
	v := f.user("u1")
	a1 := song("A/B", "01.mp3", "Blue Train", "John Coltrane", "Blue Train", 1)
	a1.genres = []string{"Jazz", "Hard Bop"}
	a2 := song("A/B", "02.mp3", "Moment's Notice", "John Coltrane", "Blue Train", 2)
	b1 := song("C", "01.mp3", "So What", "Miles Davis", "Kind of Blue", 1)
	b1.year = 1959
	f.ingest(a1, a2, b1)

	albums, err := f.lib.Albums(f.ctx, v, AlbumQuery{Sort: Sort{By: OrderSortName}})
	if err != nil {
		t.Fatal(err)
	}
	if len(albums) != 2 || albums[0].Name != "Blue Train" || albums[0].TrackCount != 2 || albums[1].Year != 1959 {
		t.Fatalf("albums = %+v", albums)
	}
	if len(albums[0].Artists) != 1 || albums[0].Artists[0].Name != "John Coltrane" || !albums[0].Available {
		t.Fatalf("album artists = %+v", albums[0])
	}
	tracks, err := f.lib.Tracks(f.ctx, v, TrackQuery{AlbumID: albums[0].ID, Sort: Sort{By: OrderPosition}})
	if err != nil || len(tracks) != 2 || tracks[0].Title != "Blue Train" || tracks[0].Path != "A/B/01.mp3" {
		t.Fatalf("tracks = %+v, %v", tracks, err)
	}
	tr, err := f.lib.Track(f.ctx, v, tracks[0].ID)
	if err != nil || len(tr.Genres) != 2 || tr.Audio.ContentType != "audio/mpeg" {
		t.Fatalf("track = %+v, %v", tr, err)
	}
	artists, err := f.lib.Artists(f.ctx, v, ArtistQuery{AlbumArtistsOnly: true})
	if err != nil || len(artists) != 2 || artists[0].Name != "John Coltrane" || artists[0].AlbumCount != 1 || artists[0].TrackCount != 2 {
		t.Fatalf("artists = %+v, %v", artists, err)
	}
	res, err := f.lib.Search(f.ctx, v, SearchQuery{Text: "blue"})
	if err != nil || len(res.Albums) != 2 || len(res.Tracks) != 3 || len(res.Artists) != 0 {
		t.Fatalf("search blue = %d artists %d albums %d tracks, %v", len(res.Artists), len(res.Albums), len(res.Tracks), err)
	}
	res, err = f.lib.Search(f.ctx, v, SearchQuery{Text: `""`, Tracks: Page{Limit: 2, Offset: 2}})
	if err != nil || len(res.Tracks) != 1 || len(res.Artists) != 2 {
		t.Fatalf("empty search page = %+v, %v", res, err)
	}
	genres, err := f.lib.Genres(f.ctx, v, GenreQuery{})
	if err != nil || len(genres) != 2 || genres[0].Name != "Hard Bop" || genres[0].TrackCount != 1 {
		t.Fatalf("genres = %+v, %v", genres, err)
	}
	q, err := AlbumList(ListByGenre, 0, 0, "Jazz", Page{})
	if err != nil {
		t.Fatal(err)
	}
	if byGenre, err := f.lib.Albums(f.ctx, v, q); err != nil || len(byGenre) != 1 || byGenre[0].Name != "Blue Train" {
		t.Fatalf("byGenre = %+v, %v", byGenre, err)
	}
	idx, err := f.lib.Indexes(f.ctx, v, nil)
	if err != nil || len(idx) != 2 || idx[0].Name != "J" || idx[1].Name != "M" {
		t.Fatalf("indexes = %+v, %v", idx, err)
	}
	if _, err := f.lib.Album(f.ctx, v, 9999); !fail.Is(err, fail.KindNotFound) {
		t.Fatalf("missing album: %v", err)
	}
	jazz := genres[1]
	if as, _ := f.lib.Albums(f.ctx, v, AlbumQuery{GenreIDs: []int64{jazz.ID}}); len(as) != 1 {
		t.Fatalf("albums of genre id: %+v", as)
	}
	if ts, _ := f.lib.Tracks(f.ctx, v, TrackQuery{GenreIDs: []int64{jazz.ID}}); len(ts) != 1 {
		t.Fatalf("tracks of genre id: %+v", ts)
	}
	if ar, _ := f.lib.Artists(f.ctx, v, ArtistQuery{GenreIDs: []int64{jazz.ID}}); len(ar) != 1 || ar[0].Name != "John Coltrane" {
		t.Fatalf("artists of genre id: %+v", ar)
	}
	if gs, _ := f.lib.GenresOf(f.ctx, v, KindAlbum, albums[0].ID); len(gs) != 2 {
		t.Fatalf("genres of album: %+v", gs)
	}
	if g, err := f.lib.Genre(f.ctx, v, jazz.ID); err != nil || g.Name != "Jazz" {
		t.Fatalf("genre: %+v, %v", g, err)
	}
	if n, err := f.lib.CountGenres(f.ctx, v, GenreQuery{}); err != nil || n != 2 {
		t.Fatalf("count genres: %d, %v", n, err)
	}
	if _, err := f.lib.CreatePlaylist(f.ctx, v, "P", []int64{tracks[0].ID}); err != nil {
		t.Fatal(err)
	}
	if n, err := f.lib.CountPlaylists(f.ctx, v, PlaylistQuery{}); err != nil || n != 1 {
		t.Fatalf("count playlists: %d, %v", n, err)
	}
	c, err := f.lib.Counts(f.ctx, v)
	if err != nil || c != (Counts{Artists: 2, Albums: 2, Tracks: 3, Genres: 2, Playlists: 1}) {
		t.Fatalf("counts = %+v, %v", c, err)
	}
}
