package hasstest

import (
	"context"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// SpeakerOptions describes a fake media_player entity.
type SpeakerOptions struct {
	EntityID string // media_player.kitchen
	Name     string // friendly_name
	Features int    // supported_features; 0 means DefaultSpeakerFeatures
	// Accepts lists the Content-Types the speaker can decode; default audio/mpeg only.
	// A stream of another type makes play_media fail and the speaker stay idle.
	Accepts []string
	// ProbeWithHEAD sends a HEAD before the GET, as some DLNA renderers do.
	ProbeWithHEAD bool
	// ReconnectOnResume makes media_play after a pause fetch the URL again with a Range
	// from the byte it had reached (players that drop the connection while paused).
	ReconnectOnResume bool
	// Volume is the initial volume_level (0..1).
	Volume float64
	// Platform is the integration config/entity_registry/list names (default "cast").
	Platform string
	// Device, when set, is the device-registry entry the entity belongs to
	// (config/device_registry/list); nil: an entity without a device.
	Device *Device
}

// Device is a fake device-registry entry; empty fields are null, as HA sends them.
type Device struct {
	Manufacturer, Model, ModelID, SWVersion, HWVersion string
	MAC                                                string // a ["mac", …] connection
}

// deviceID is the registry id of the speaker's device ("" without one).
func (s *Speaker) deviceID() string {
	if s.opts.Device == nil {
		return ""
	}
	return "dev" + strings.ReplaceAll(strings.TrimPrefix(s.opts.EntityID, "media_player."), "_", "")
}

// deviceEntry is the device as config/device_registry/list carries it (HA's
// DeviceEntry dict_repr).
func (s *Speaker) deviceEntry() map[string]any {
	d := s.opts.Device
	connections := [][2]string{}
	if d.MAC != "" {
		connections = append(connections, [2]string{"mac", d.MAC})
	}
	return map[string]any{"area_id": nil, "configuration_url": nil, "config_entries": []string{"cfg" + s.deviceID()},
		"connections": connections, "disabled_by": nil, "entry_type": nil, "hw_version": nullable(d.HWVersion), "id": s.deviceID(),
		"identifiers": [][2]string{{s.opts.Platform, s.deviceID()}}, "labels": []string{}, "manufacturer": nullable(d.Manufacturer),
		"model": nullable(d.Model), "model_id": nullable(d.ModelID), "name_by_user": nil, "name": s.opts.Name,
		"primary_config_entry": "cfg" + s.deviceID(), "serial_number": nil, "sw_version": nullable(d.SWVersion), "via_device_id": nil}
}

// Fetch records one HTTP request a speaker made for its stream.
type Fetch struct {
	Method, URL, Range string
	Status             int
	ContentType        string
	ContentLength      int64 // -1 when the answer had none
	Bytes              int64 // body bytes read (so far, for the current stream)
	FirstByte          time.Time
}

// Speaker is a fake media player: on play_media it fetches the stream URL over HTTP
// like a real renderer (no cookies, no headers of ours), reads it as fast as the
// server sends, and plays it on the Core's clock: TickSpeakers moves it to idle when
// the clock has passed the media's duration and the whole body arrived.
type Speaker struct {
	core *Core
	opts SpeakerOptions
	http *http.Client

	mu          sync.Mutex
	state       string // playing, paused, idle, off, unavailable
	attrs       map[string]any
	lastChanged time.Time
	lastUpdated time.Time
	url         string
	duration    float64
	position    float64   // at since
	since       time.Time // when position was taken
	fetches     []*Fetch
	drained     chan struct{} // closed when the current body has been read to the end
	stopRead    context.CancelFunc
	changed     chan struct{} // signalled after every change and fetch
}

// AddSpeaker adds a media_player entity, idle, and announces it to subscribers.
func (c *Core) AddSpeaker(o SpeakerOptions) *Speaker {
	if o.Features == 0 {
		o.Features = DefaultSpeakerFeatures
	}
	if len(o.Accepts) == 0 {
		o.Accepts = []string{"audio/mpeg"}
	}
	if o.Name == "" {
		o.Name = o.EntityID
	}
	if o.Platform == "" {
		o.Platform = "cast"
	}
	now := c.opts.Clock.Now()
	s := &Speaker{core: c, opts: o, http: &http.Client{Timeout: time.Minute}, state: "idle", lastChanged: now, lastUpdated: now,
		drained: make(chan struct{}), changed: make(chan struct{}, 1)}
	s.attrs = map[string]any{"friendly_name": o.Name, "supported_features": o.Features, "volume_level": o.Volume,
		"is_volume_muted": false, "device_class": "speaker"}
	c.mu.Lock()
	c.speakers = append(c.speakers, s)
	c.mu.Unlock()
	c.publishStateChanged(o.EntityID, nil, s.stateObject())
	return s
}

func (s *Speaker) features() int { return s.opts.Features }

// stateObject is the entity as get_states and state_changed carry it.
func (s *Speaker) stateObject() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stateLocked()
}

func (s *Speaker) stateLocked() map[string]any {
	attrs := maps.Clone(s.attrs)
	if s.state == "off" || s.state == "unavailable" {
		// HA hides media attributes while off; an unavailable entity keeps only its name and features.
		attrs = map[string]any{"friendly_name": s.opts.Name, "supported_features": s.opts.Features}
	}
	return map[string]any{"entity_id": s.opts.EntityID, "state": s.state, "attributes": attrs,
		"last_changed": isoTime(s.lastChanged), "last_updated": isoTime(s.lastUpdated), "last_reported": isoTime(s.lastUpdated),
		"context": map[string]any{"id": "01FAKE", "parent_id": nil, "user_id": nil}}
}

// change applies f under the lock and publishes the resulting state_changed event.
func (s *Speaker) change(f func()) {
	s.mu.Lock()
	old := s.stateLocked()
	prevState := s.state
	f()
	now := s.core.opts.Clock.Now()
	s.lastUpdated = now
	if s.state != prevState {
		s.lastChanged = now
	}
	next := s.stateLocked()
	s.mu.Unlock()
	s.core.publishStateChanged(s.opts.EntityID, old, next)
	s.signal()
}

func (s *Speaker) signal() {
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// WaitFor returns once cond holds, checking after every change of the speaker; it
// fails the test when ctx ends first.
func (s *Speaker) WaitFor(t testing.TB, ctx context.Context, what string, cond func(state string, attrs map[string]any, fetches []Fetch) bool) {
	t.Helper()
	for {
		state, attrs := s.State()
		if cond(state, attrs, s.Fetches()) {
			return
		}
		select {
		case <-s.changed:
		case <-ctx.Done():
			t.Fatalf("speaker %s: %s did not happen (state %s)", s.opts.EntityID, what, state)
		}
	}
}

// State is the entity's current state and a copy of its attributes.
func (s *Speaker) State() (string, map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state, maps.Clone(s.attrs)
}

// Fetches returns copies of the HTTP requests made so far.
func (s *Speaker) Fetches() []Fetch {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Fetch, len(s.fetches))
	for i, f := range s.fetches {
		out[i] = *f
	}
	return out
}

// Drained is closed once the current stream's body has been read to its end.
func (s *Speaker) Drained() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.drained
}

// SetAvailable takes the speaker off the network (state unavailable, its stream
// dropped) or brings it back idle.
func (s *Speaker) SetAvailable(available bool) {
	s.change(func() {
		if !available {
			s.stopLocked()
			s.state = "unavailable"
			return
		}
		if s.state == "unavailable" {
			s.state = "idle"
		}
	})
}

// positionLocked is where playback is now.
func (s *Speaker) positionLocked() float64 {
	if s.state != "playing" {
		return s.position
	}
	return s.position + s.core.opts.Clock.Now().Sub(s.since).Seconds()
}

func (s *Speaker) setPositionLocked(p float64) {
	s.position, s.since = p, s.core.opts.Clock.Now()
	s.attrs["media_position"] = int(p)
	s.attrs["media_position_updated_at"] = isoTime(s.since)
}

func (s *Speaker) stopLocked() {
	if s.stopRead != nil {
		s.stopRead()
		s.stopRead = nil
	}
}

func (s *Speaker) tick() {
	s.mu.Lock()
	ended := false
	if s.state == "playing" && s.duration > 0 && s.positionLocked() >= s.duration {
		select {
		case <-s.drained:
			ended = true
		default:
		}
	}
	s.mu.Unlock()
	if ended {
		s.change(func() {
			s.setPositionLocked(s.duration)
			s.state = "idle"
		})
	}
}

// handle runs one media_player service.
func (s *Speaker) handle(service string, data map[string]any) *wsError {
	s.mu.Lock()
	st := s.state
	s.mu.Unlock()
	if st == "unavailable" {
		return &wsError{"home_assistant_error", "Entity " + s.opts.EntityID + " is unavailable"}
	}
	switch service {
	case "play_media":
		return s.playMedia(data)
	case "media_pause":
		s.change(func() {
			if s.state == "playing" {
				s.setPositionLocked(s.positionLocked())
				s.state = "paused"
			}
		})
	case "media_play":
		return s.resume()
	case "media_stop":
		s.change(func() {
			s.stopLocked()
			s.setPositionLocked(s.positionLocked())
			s.state = "idle"
		})
	case "media_seek":
		pos, _ := data["seek_position"].(float64)
		s.change(func() { s.setPositionLocked(pos) })
	case "volume_set":
		v, ok := data["volume_level"].(float64)
		if !ok || v < 0 || v > 1 {
			return &wsError{"invalid_format", "expected float for dictionary value @ data['volume_level']"}
		}
		s.change(func() { s.attrs["volume_level"] = v })
	case "volume_mute":
		m, ok := data["is_volume_muted"].(bool)
		if !ok {
			return &wsError{"invalid_format", "expected bool for dictionary value @ data['is_volume_muted']"}
		}
		s.change(func() { s.attrs["is_volume_muted"] = m })
	case "turn_off":
		s.change(func() { s.stopLocked(); s.state = "off" })
	case "turn_on":
		s.change(func() {
			if s.state == "off" {
				s.state = "idle"
			}
		})
	default:
		return &wsError{"not_supported", "not supported by the fake"}
	}
	return nil
}

// playMedia fetches the URL like a renderer: HA's call returns once the stream
// started (or failed to); the body is read in the background.
func (s *Speaker) playMedia(data map[string]any) *wsError {
	url, _ := data["media_content_id"].(string)
	kind, _ := data["media_content_type"].(string)
	if url == "" || kind == "" {
		return &wsError{"invalid_format", "required key not provided @ data['media_content_id']"}
	}
	if kind != "music" && !lowerPrefix(kind, "audio/") {
		return &wsError{"home_assistant_error", "Unsupported media type " + kind}
	}
	var meta map[string]any
	if extra, ok := data["extra"].(map[string]any); ok {
		meta, _ = extra["metadata"].(map[string]any)
	}
	s.mu.Lock()
	s.stopLocked()
	s.mu.Unlock()
	if s.opts.ProbeWithHEAD {
		if f, resp, err := s.fetch(http.MethodHead, url, 0); err == nil {
			resp.Body.Close()
			if f.Status != http.StatusOK {
				s.change(func() { s.state = "idle" })
				return &wsError{"home_assistant_error", fmt.Sprintf("stream probe answered %d", f.Status)}
			}
		}
	}
	if werr := s.startStream(url, 0); werr != nil {
		return werr
	}
	duration, _ := meta["duration"].(float64)
	s.change(func() {
		s.url, s.duration = url, duration
		s.state = "playing"
		s.setPositionLocked(0)
		s.attrs["media_content_id"] = url
		s.attrs["media_content_type"] = kind
		s.attrs["media_duration"] = duration
		for attr, key := range map[string]string{"media_title": "title", "media_artist": "artist", "media_album_name": "albumName"} {
			if v, ok := meta[key]; ok {
				s.attrs[attr] = v
			} else {
				delete(s.attrs, attr)
			}
		}
	})
	return nil
}

// resume continues after a pause; a speaker that reconnects asks for the rest of the
// stream with a Range and gives up (idle) if the server refuses.
func (s *Speaker) resume() *wsError {
	s.mu.Lock()
	paused, url := s.state == "paused", s.url
	var from int64
	if n := len(s.fetches); n > 0 {
		from = s.fetches[n-1].Bytes
	}
	s.mu.Unlock()
	if !paused {
		return nil
	}
	if s.opts.ReconnectOnResume {
		if werr := s.startStream(url, from); werr != nil {
			s.change(func() { s.state = "idle" })
			return werr
		}
	}
	s.change(func() {
		if s.state == "paused" {
			s.state = "playing"
			s.setPositionLocked(s.position)
		}
	})
	return nil
}

// startStream GETs url (from a byte offset) and reads its body in the background.
func (s *Speaker) startStream(url string, from int64) *wsError {
	f, resp, err := s.fetch(http.MethodGet, url, from)
	if err != nil {
		return &wsError{"home_assistant_error", "cannot fetch stream: " + err.Error()}
	}
	ok := f.Status == http.StatusOK || (from > 0 && f.Status == http.StatusPartialContent)
	ct, _, _ := mime.ParseMediaType(f.ContentType)
	if !ok || !slices.Contains(s.opts.Accepts, ct) {
		resp.Body.Close()
		return &wsError{"home_assistant_error", fmt.Sprintf("cannot play stream: HTTP %d, %q", f.Status, f.ContentType)}
	}
	ctx, cancel := context.WithCancel(context.Background())
	drained := make(chan struct{})
	s.mu.Lock()
	s.stopLocked()
	s.stopRead, s.drained = cancel, drained
	s.mu.Unlock()
	go func() {
		defer resp.Body.Close()
		buf := make([]byte, 32<<10)
		for ctx.Err() == nil {
			n, err := resp.Body.Read(buf)
			s.mu.Lock()
			first := n > 0 && f.FirstByte.IsZero()
			if first {
				f.FirstByte = time.Now()
			}
			f.Bytes += int64(n)
			s.mu.Unlock()
			if first {
				s.signal()
			}
			if err == io.EOF {
				close(drained)
				s.signal()
				return
			}
			if err != nil {
				return
			}
		}
	}()
	go func() { <-ctx.Done(); resp.Body.Close() }()
	return nil
}

// fetch sends one request the way a renderer does: no cookies, no auth headers.
func (s *Speaker) fetch(method, url string, from int64) (*Fetch, *http.Response, error) {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		return nil, nil, err
	}
	f := &Fetch{Method: method, URL: url, ContentLength: -1}
	if from > 0 {
		f.Range = "bytes=" + strconv.FormatInt(from, 10) + "-"
		req.Header.Set("Range", f.Range)
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return nil, nil, err
	}
	f.Status, f.ContentType, f.ContentLength = resp.StatusCode, resp.Header.Get("Content-Type"), resp.ContentLength
	s.mu.Lock()
	s.fetches = append(s.fetches, f)
	s.mu.Unlock()
	s.signal()
	return f, resp, nil
}
