package music

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"sync"
)

// imageKeys makes and checks /imageproxy ids. /imageproxy is unauthenticated (img
// tags and speakers send no bearer, as in MA), so an id must not be guessable or
// enumerable: it is the cover id followed by an HMAC-SHA256 tag under a server
// secret, 64 hex characters like MA's ids. Only covers the library handed out can
// be fetched; a forged or altered id is simply unknown.
type imageKeys struct {
	key []byte
	// macs keeps keyed HMAC states for reuse: a listing tags every cover on the
	// page, and keying a new HMAC each time was a visible part of its cost.
	macs sync.Pool
}

const (
	coverIDLen = 8
	tagLen     = 24
	imageIDLen = 2 * (coverIDLen + tagLen)
)

func (k *imageKeys) tag(cover []byte) []byte {
	mac, ok := k.macs.Get().(hash.Hash)
	if !ok {
		mac = hmac.New(sha256.New, k.key)
	}
	mac.Reset()
	mac.Write([]byte("segue imageproxy v1\x00"))
	mac.Write(cover)
	sum := mac.Sum(nil)[:tagLen]
	k.macs.Put(mac)
	return sum
}

// id is the proxy id of a cover.
func (k *imageKeys) id(coverID int64) string {
	var b [coverIDLen]byte
	binary.BigEndian.PutUint64(b[:], uint64(coverID))
	return hex.EncodeToString(append(b[:], k.tag(b[:])...))
}

// cover checks an id and returns its cover id (constant-time tag comparison).
func (k *imageKeys) cover(id string) (int64, bool) {
	if len(id) != imageIDLen {
		return 0, false
	}
	raw, err := hex.DecodeString(id)
	if err != nil {
		return 0, false
	}
	if !hmac.Equal(raw[coverIDLen:], k.tag(raw[:coverIDLen])) {
		return 0, false
	}
	c := int64(binary.BigEndian.Uint64(raw[:coverIDLen]))
	return c, c > 0
}
