package players

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"segue/internal/clock"
	"segue/internal/secrets"
)

// StreamKeyFile is the stream capability key, beside the other key files in the data
// directory. It is not the JWT key: rotating it (segue rotate-stream-key) ends every
// stream URL handed to a speaker and nothing else.
const StreamKeyFile = "stream.key"

// capability is what a stream URL allows: one track, for one player, from an offset,
// in one format, until Expires. It is signed (HMAC-SHA256) with the stream key; it
// carries no user, session or token.
type capability struct {
	KeyID   [4]byte // which stream key signed it (tells rotated from forged)
	Expires time.Time
	TrackID int64
	Offset  int    // seconds into the track
	Format  string // "mp3" or "" (the file as it is)
	Ext     string // the URL's extension
	Player  string
	Item    string // queue item id
}

const capabilityVersion = 1

// capMaxBytes bounds a token before it is decoded.
const capMaxBytes = 512

// Errors of capability checks. Only errForged counts against the throttle.
var (
	errForged  = errors.New("stream capability: malformed or bad signature")
	errExpired = errors.New("stream capability: expired")
	errRotated = errors.New("stream capability: signed with a key that was rotated away")
)

// StreamKeyCheckInterval is how often a running server looks at the stream key file:
// a rotation takes effect within it, and a burst of stream requests and play_media
// calls costs one stat, not one each.
const StreamKeyCheckInterval = time.Second

// streamKeys holds the stream key and notices when `segue rotate-stream-key`
// replaced the file under a running server.
type streamKeys struct {
	path  string
	rand  io.Reader
	clock clock.Clock

	mu      sync.Mutex
	key     []byte
	id      [4]byte
	info    os.FileInfo
	checked time.Time // when the file was last looked at
}

func newStreamKeys(path string, rand io.Reader, clk clock.Clock) (*streamKeys, error) {
	k := &streamKeys{path: path, rand: rand, clock: clk}
	if _, _, err := k.current(); err != nil {
		return nil, err
	}
	return k, nil
}

// current is the key in the file, looked at again at most once per
// StreamKeyCheckInterval (and re-read when the file was replaced).
func (k *streamKeys) current() ([]byte, [4]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.clock.Now()
	if k.key != nil && now.Sub(k.checked) < StreamKeyCheckInterval && !now.Before(k.checked) {
		return k.key, k.id, nil
	}
	info, err := os.Stat(k.path)
	if err == nil && k.key != nil && os.SameFile(info, k.info) && info.ModTime().Equal(k.info.ModTime()) {
		k.checked = now
		return k.key, k.id, nil
	}
	key, err := secrets.LoadOrCreateKey(k.path, 32, k.rand)
	if err != nil {
		return nil, [4]byte{}, err
	}
	// Remember the file as it was seen before the read: a rotation landing between the
	// read and a later stat would otherwise pair the old key with the new file and keep
	// it until the next rotation.
	if info == nil {
		if info, err = os.Stat(k.path); err != nil { // it was just created
			return nil, [4]byte{}, err
		}
	}
	sum := sha256.Sum256(append([]byte("segue stream key id\x00"), key...))
	k.key, k.info, k.checked = key, info, now
	copy(k.id[:], sum[:4])
	return k.key, k.id, nil
}

// RotateStreamKey replaces the stream key file with a fresh random key; a running
// server notices within StreamKeyCheckInterval and every URL handed out so far stops
// working.
func RotateStreamKey(dataDir string, rand io.Reader) error {
	path := dataDir + string(os.PathSeparator) + StreamKeyFile
	next := path + ".next"
	_ = os.Remove(next)
	key := make([]byte, 32)
	if _, err := io.ReadFull(rand, key); err != nil {
		return err
	}
	if err := secrets.WriteFileAtomic(next, key, 0o600); err != nil {
		return err
	}
	return os.Rename(next, path)
}

func mac(key, payload []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("segue stream capability\x00"))
	h.Write(payload)
	return h.Sum(nil)
}

// sign encodes c as a URL-safe token under the current key.
func (k *streamKeys) sign(c capability) (string, error) {
	key, id, err := k.current()
	if err != nil {
		return "", err
	}
	if len(c.Player) > 255 || len(c.Item) > 255 || len(c.Format) > 255 || len(c.Ext) > 255 {
		return "", fmt.Errorf("stream capability: field too long")
	}
	var b bytes.Buffer
	b.WriteByte(capabilityVersion)
	b.Write(id[:])
	binary.Write(&b, binary.BigEndian, c.Expires.Unix())
	binary.Write(&b, binary.BigEndian, c.TrackID)
	binary.Write(&b, binary.BigEndian, uint32(c.Offset))
	for _, s := range []string{c.Format, c.Ext, c.Player, c.Item} {
		b.WriteByte(byte(len(s)))
		b.WriteString(s)
	}
	payload := b.Bytes()
	return base64.RawURLEncoding.EncodeToString(append(payload, mac(key, payload)...)), nil
}

// verify decodes a token and checks its signature and expiry at now.
func (k *streamKeys) verify(token string, now time.Time) (capability, error) {
	var c capability
	if len(token) > capMaxBytes {
		return c, errForged
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(raw) < 1+4+8+8+4+4+sha256.Size || raw[0] != capabilityVersion {
		return c, errForged
	}
	payload, sig := raw[:len(raw)-sha256.Size], raw[len(raw)-sha256.Size:]
	key, id, err := k.current()
	if err != nil {
		return c, err
	}
	copy(c.KeyID[:], payload[1:5])
	if c.KeyID != id {
		return c, errRotated // no key we hold could have signed it: cannot be a useful forgery either
	}
	if !hmac.Equal(sig, mac(key, payload)) {
		return c, errForged
	}
	r := bytes.NewReader(payload[5:])
	var expires int64
	var offset uint32
	binary.Read(r, binary.BigEndian, &expires)
	binary.Read(r, binary.BigEndian, &c.TrackID)
	binary.Read(r, binary.BigEndian, &offset)
	c.Expires, c.Offset = time.Unix(expires, 0), int(offset)
	for _, dst := range []*string{&c.Format, &c.Ext, &c.Player, &c.Item} {
		n, err := r.ReadByte()
		if err != nil {
			return c, errForged
		}
		s := make([]byte, n)
		if _, err := io.ReadFull(r, s); err != nil {
			return c, errForged
		}
		*dst = string(s)
	}
	if r.Len() != 0 {
		return c, errForged
	}
	if !now.Before(c.Expires) {
		return c, errExpired
	}
	return c, nil
}
