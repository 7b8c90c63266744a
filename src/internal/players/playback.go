package players

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"segue/internal/fail"
	"segue/internal/hass"
	"segue/internal/text"
)

// Speakers runs media_player services on Home Assistant entities.
type Speakers interface {
	Call(ctx context.Context, entityID, service string, data map[string]any) error
}

// pauseBecomesStop is how long a pause may last before the queue lets the speaker go
// (MA: 30 s). A resume after it starts a new stream at the paused position: a held
// HTTP stream would pin a transcode, and speakers that reconnect would need the old
// URL to live on.
const pauseBecomesStop = 30 * time.Second

// endSlack: a speaker that goes idle this close to the end of a track finished it.
const endSlack = 5 * time.Second

// capabilityMargin is added to twice the remaining length of a track: speakers buffer,
// pause briefly and reconnect (a long pause gets a new URL anyway).
const capabilityMargin = 10 * time.Minute

// formatFor chooses what a speaker gets: the admin's choice for it; else the file as
// it is when the speaker's integration is one whose formats the reference documents
// (Google Cast, Sonos) and the file is among them; else MP3, which every speaker Home
// Assistant drives takes (HA does not say which formats a speaker decodes).
func formatFor(s settings, platform string, t Track) string {
	switch s.Format {
	case formatOriginal:
		return ""
	case formatMP3:
		return formatMP3
	}
	if takesOriginal(platform, t) {
		return ""
	}
	return formatMP3
}

// takesOriginal: Cast audio plays FLAC up to 96 kHz/24 bit, AAC, MP3, Opus, Vorbis and
// WAV; Sonos AAC, FLAC (16 bit, 2 channels), MP3 and Ogg Vorbis, all at most 48 kHz.
// Unknown sample rates stay on MP3.
func takesOriginal(platform string, t Track) bool {
	if t.SampleRate <= 0 {
		return false
	}
	switch platform {
	case "cast":
		switch t.Suffix {
		case "mp3", "m4a", "aac", "ogg", "oga", "opus", "wav":
			return t.SampleRate <= 96000
		case "flac":
			return t.SampleRate <= 96000 && t.BitDepth <= 24
		}
	case "sonos":
		switch t.Suffix {
		case "mp3", "m4a", "aac", "ogg", "oga":
			return t.SampleRate <= 48000
		case "flac":
			return t.SampleRate <= 48000 && t.BitDepth <= 16 && t.Channels <= 2
		}
	}
	return false
}

// streamURLLocked mints the capability URL for item from offset seconds.
func (r *Registry) streamURLLocked(e *entry, item *QueueItem, offset int) (string, error) {
	format := formatFor(e.settings, e.platform, item.track)
	if offset > 0 {
		format = formatMP3 // only ffmpeg can start a file in the middle
	}
	remaining := time.Duration(max(item.Duration-offset, 60)) * time.Second
	c := capability{Expires: r.d.Clock.Now().Add(2*remaining + capabilityMargin), TrackID: item.track.ID, Offset: offset,
		Format: format, Ext: extension(format, item.track.Suffix), Player: e.state.EntityID, Item: item.QueueItemID}
	base := strings.TrimRight(r.d.StreamBase(), "/")
	if base == "" {
		return "", errNoAddress
	}
	token, err := r.keys.sign(c)
	if err != nil {
		return "", err
	}
	return base + StreamPath + token + "." + c.Ext, nil
}

// imageURL is an item's cover on the address the speaker reaches.
func (r *Registry) imageURL(t Track) string {
	if t.ImagePath == "" {
		return ""
	}
	return strings.TrimRight(r.d.StreamBase(), "/") + t.ImagePath
}

// playMediaData is media_player.play_media's service data: the URL, and title,
// artist and cover so HA's card shows them (Cast reads extra.metadata).
func (r *Registry) playMediaData(streamURL string, t Track) map[string]any {
	meta := map[string]any{"metadataType": 3, "title": t.Title, "artist": t.Artist, "album": t.Album, "albumName": t.Album,
		"duration": t.Duration}
	if img := r.imageURL(t); img != "" {
		meta["images"] = []map[string]any{{"url": img}}
		meta["imageUrl"] = img
	}
	return map[string]any{"media_content_id": streamURL, "media_content_type": "music", "enqueue": "replace",
		"extra": map[string]any{"metadata": meta}}
}

// isOurs reports whether a media_content_id is one of our stream URLs.
func isOurs(contentID string) bool {
	u, err := url.Parse(contentID)
	return err == nil && strings.HasPrefix(u.Path, StreamPath)
}

// errNoAddress: there is no address speakers could fetch from.
var errNoAddress = errors.New("no speaker-facing address")

// startLocked hands the item at index to the speaker from offset; it returns the call
// to make once mu is released.
func (r *Registry) startLocked(e *entry, index, offset int) (func(ctx context.Context) error, error) {
	q := &e.q
	if index < 0 || index >= len(q.items) {
		return nil, fail.Invalid("No such queue item")
	}
	item := &q.items[index]
	streamURL, err := r.streamURLLocked(e, item, offset)
	if errors.Is(err, errNoAddress) {
		return nil, fail.Invalid("Speakers cannot reach Segue: the public port is off or no address is known; set internal_url")
	}
	if err != nil {
		return nil, fail.Internal(err)
	}
	now := r.d.Clock.Now()
	q.expectIdle = q.url != "" // replacing our own stream may pass through idle
	q.current, q.url, q.offset, q.ended, q.commandAt = index, streamURL, offset, false, now
	q.state = StatePlaying
	q.setPosition(float64(offset), now)
	q.pausedAt = time.Time{}
	data := r.playMediaData(streamURL, item.track)
	r.queueChangedLocked(e, false)
	id := e.state.EntityID
	return func(ctx context.Context) error {
		if err := r.d.Speakers.Call(ctx, id, "play_media", data); err != nil {
			r.mu.Lock()
			if e.q.url == streamURL {
				e.q.url, e.q.state = "", StateIdle
				r.queueChangedLocked(e, false)
			}
			r.mu.Unlock()
			return speakerError(err)
		}
		return nil
	}, nil
}

// speakerError maps a failed HA call to what the caller sees (never HA's own text).
func speakerError(err error) error {
	if fail.As(err) != nil && fail.KindOf(err) != fail.KindInternal {
		return err
	}
	var refused *hass.CommandError
	if errors.As(err, &refused) && isRefusal(refused.Code) {
		// HA reached the speaker and it said no (a format it cannot play, a URL it
		// cannot fetch): the user can act on that, unlike on "try later".
		return fail.Wrap(fail.KindInvalid, err, "The speaker refused: "+text.Truncate(refused.Message, 200)+
			" (a speaker that takes only MP3 can be set to it in the player's settings)")
	}
	return fail.Unavailable(err)
}

// isRefusal tells HA's result codes for a service call the entity turned down from
// every other failure (HA gone, timeouts), which stays "temporarily unavailable".
func isRefusal(code string) bool {
	switch code {
	case hass.CodeHomeAssistant, hass.CodeServiceValidation, hass.CodeNotSupported:
		return true
	}
	return false
}

// followLocked updates the queue from the speaker's new state; it returns a call to
// make after mu is released when the track ended and the queue moves on.
func (r *Registry) followLocked(e *entry, st hass.EntityState) func(ctx context.Context) error {
	q := &e.q
	if q.url == "" {
		return nil
	}
	now := r.d.Clock.Now()
	if !st.LastUpdated.IsZero() && st.LastUpdated.Before(q.commandAt) {
		return nil // a state from before our last command
	}
	contentID, _ := st.Attributes["media_content_id"].(string)
	ours := contentID == q.url
	pos, hasPos := st.Attributes["media_position"].(float64)
	posAt := now // HA stamps the position; events can arrive late
	if s, ok := st.Attributes["media_position_updated_at"].(string); ok {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil && !t.After(now) {
			posAt = t
		}
	}
	switch st.State {
	case "playing", "buffering":
		if !ours {
			if contentID != "" && !isOurs(contentID) {
				q.url, q.state = "", StateIdle // something else plays now
			}
			return nil // (an earlier stream of ours is old news)
		}
		q.expectIdle = false
		q.state = StatePlaying
		if hasPos {
			q.setPosition(float64(q.offset)+pos, posAt)
		}
	case "paused":
		if ours {
			q.expectIdle = false
			if q.state != StatePaused {
				q.pausedAt = now
			}
			q.state = StatePaused
			if hasPos {
				q.setPosition(float64(q.offset)+pos, posAt)
			}
		}
	default: // idle, off, unavailable, unknown
		if q.expectIdle {
			return nil // our own replace or stop passing through
		}
		if contentID != "" && !ours && isOurs(contentID) && (st.State == "idle" || st.State == "off") {
			return nil // news about an earlier stream of ours, arriving after we started this one
		}
		at := q.position(now)
		if ours && hasPos {
			at = float64(q.offset) + pos
		}
		item := q.currentItem()
		finished := q.state == StatePlaying && item != nil && (item.Duration == 0 || at >= float64(item.Duration)-endSlack.Seconds())
		q.setPosition(at, now)
		q.state, q.url = StateIdle, ""
		if finished && (st.State == "idle" || st.State == "off") {
			return r.advanceLocked(e)
		}
	}
	return nil
}

// advanceLocked moves to the next item at the end of a track: repeat one plays it
// again, repeat all wraps, else the queue ends on its last item (MA's "ended").
func (r *Registry) advanceLocked(e *entry) func(ctx context.Context) error {
	q := &e.q
	next := q.current + 1
	switch {
	case q.repeat == "one":
		next = q.current
	case next >= len(q.items) && q.repeat == "all":
		next = 0
	case next >= len(q.items):
		q.ended = true
		q.setPosition(0, r.d.Clock.Now())
		r.queueChangedLocked(e, false)
		return nil
	}
	call, err := r.startLocked(e, next, 0)
	if err != nil {
		return nil
	}
	return call
}

// tick lets pauses longer than pauseBecomesStop end the speaker's stream (run every
// tickInterval on the registry's clock by the module).
func (r *Registry) tick(ctx context.Context) {
	r.mu.Lock()
	var stops []string
	now := r.d.Clock.Now()
	for _, id := range r.order {
		e := r.entries[id]
		if q := &e.q; q.url != "" && q.state == StatePaused && now.Sub(q.pausedAt) >= pauseBecomesStop {
			q.url, q.state, q.expectIdle, q.commandAt = "", StateIdle, true, now
			r.queueChangedLocked(e, false)
			stops = append(stops, id)
		}
	}
	r.mu.Unlock()
	for _, id := range stops {
		if err := r.d.Speakers.Call(ctx, id, "media_stop", nil); err != nil {
			r.d.Log.WithError(err).WithField("player", id).Debug("players: stopping a long pause failed")
		}
	}
}
