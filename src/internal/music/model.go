package music

// The MA media item shapes (music_assistant_models media_items; the frontend's
// interfaces.ts). Listings send the full items (valid for the frontend, which
// accepts both forms); every slice is non-nil on the wire and metadata is always
// an object, because the frontend dereferences them without guards.

// Image is MA's MediaItemImage. Provider is the folder's provider instance (never
// "library": the frontend drops images of unknown providers); ProxyID is the
// opaque keyed id served by /imageproxy.
type Image struct {
	Type               string `json:"type"`
	Path               string `json:"path"`
	Provider           string `json:"provider"`
	RemotelyAccessible bool   `json:"remotely_accessible"`
	ProxyID            string `json:"proxy_id"`
}

// AudioFormat is MA's AudioFormat; BitRate in kbit/s, 0 when unknown.
type AudioFormat struct {
	ContentType     string `json:"content_type"`
	CodecType       string `json:"codec_type"`
	SampleRate      int    `json:"sample_rate"`
	BitDepth        int    `json:"bit_depth"`
	Channels        int    `json:"channels"`
	OutputFormatStr string `json:"output_format_str"`
	BitRate         int    `json:"bit_rate"`
}

// ProviderMapping ties a library item to where it lives: its music folder.
type ProviderMapping struct {
	ItemID           string      `json:"item_id"`
	ProviderDomain   string      `json:"provider_domain"`
	ProviderInstance string      `json:"provider_instance"`
	Available        bool        `json:"available"`
	InLibrary        bool        `json:"in_library"`
	IsUnique         *bool       `json:"is_unique"`
	AudioFormat      AudioFormat `json:"audio_format"`
	URL              *string     `json:"url"`
	Details          *string     `json:"details"`
}

// Metadata is MA's MediaItemMetadata. Its lists are always present (the frontend
// dereferences them); its scalars are left out when unknown, as the frontend types
// every one as optional — in a listing they were a fifth of each item's bytes.
type Metadata struct {
	Description         *string  `json:"description,omitempty"`
	DescriptionLanguage *string  `json:"description_language,omitempty"`
	Review              *string  `json:"review,omitempty"`
	Explicit            *bool    `json:"explicit,omitempty"`
	Images              []Image  `json:"images"`
	Grouping            *string  `json:"grouping,omitempty"`
	Genres              []string `json:"genres"`
	Mood                *string  `json:"mood,omitempty"`
	Style               *string  `json:"style,omitempty"`
	Copyright           *string  `json:"copyright,omitempty"`
	Lyrics              *string  `json:"lyrics,omitempty"`
	LrcLyrics           *string  `json:"lrc_lyrics,omitempty"`
	Label               *string  `json:"label,omitempty"`
	Links               []any    `json:"links"`
	Performers          []string `json:"performers"`
	Preview             *string  `json:"preview,omitempty"`
	Popularity          *int     `json:"popularity,omitempty"`
	ReleaseDate         *string  `json:"release_date,omitempty"`
	Languages           []string `json:"languages"`
	LastRefresh         *int64   `json:"last_refresh,omitempty"`
}

// base is _MediaItemBase.
type base struct {
	ItemID      string      `json:"item_id"`
	Provider    string      `json:"provider"`
	Name        string      `json:"name"`
	Version     string      `json:"version"`
	SortName    string      `json:"sort_name"`
	URI         string      `json:"uri"`
	ExternalIDs [][2]string `json:"external_ids"`
	IsPlayable  bool        `json:"is_playable"`
	MediaType   string      `json:"media_type"`
}

// ItemMapping is MA's ItemMapping: a reference without provider_mappings (the
// frontend tells it from a full item by that absence).
type ItemMapping struct {
	base
	Available bool   `json:"available"`
	Image     *Image `json:"image"`
	Year      *int   `json:"year"`
}

// mediaItem is MediaItem: base + mappings, metadata, favourite.
type mediaItem struct {
	base
	ProviderMappings []ProviderMapping `json:"provider_mappings"`
	Metadata         Metadata          `json:"metadata"`
	Favorite         bool              `json:"favorite"`
	Position         *int              `json:"position"`
	DateAdded        *string           `json:"date_added"`
	Available        bool              `json:"available"`
}

// Artist is MA's Artist.
type Artist struct {
	mediaItem
	ArtistType string `json:"artist_type"`
}

// Album is MA's Album.
type Album struct {
	mediaItem
	Year      *int          `json:"year"`
	Artists   []ItemMapping `json:"artists"`
	AlbumType string        `json:"album_type"`
}

// Track is MA's Track. Album is a full Album on get_track, an ItemMapping in lists.
type Track struct {
	mediaItem
	Duration      int           `json:"duration"`
	Artists       []ItemMapping `json:"artists"`
	Album         any           `json:"album"`
	DiscNumber    int           `json:"disc_number"`
	TrackNumber   int           `json:"track_number"`
	LastPlayed    int64         `json:"last_played"`
	AudioMetadata any           `json:"audio_metadata"`
}

// Playlist is MA's Playlist.
type Playlist struct {
	mediaItem
	Owner               string   `json:"owner"`
	IsEditable          bool     `json:"is_editable"`
	IsDynamic           bool     `json:"is_dynamic"`
	SupportedMediaTypes []string `json:"supported_mediatypes"`
}

// Genre is MA's Genre: library-only, no provider mappings.
type Genre struct {
	mediaItem
	ContentType  *string  `json:"content_type"`
	GenreAliases []string `json:"genre_aliases"`
}

// SearchResults is MA's SearchResults; every key is always an array (the
// frontend spreads them). Note the singular "radio".
type SearchResults struct {
	Artists      []Artist   `json:"artists"`
	Albums       []Album    `json:"albums"`
	Genres       []Genre    `json:"genres"`
	Tracks       []Track    `json:"tracks"`
	Playlists    []Playlist `json:"playlists"`
	Radio        []any      `json:"radio"`
	Audiobooks   []any      `json:"audiobooks"`
	Podcasts     []any      `json:"podcasts"`
	SoundEffects []any      `json:"sound_effects"`
}
