package signaling

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// registry is the cluster's shared view: who owns each remote ID, and a way to reach
// another node. A single node has none (hub.reg == nil).
type registry interface {
	register(ctx context.Context, rid, token string) (prev string, took bool, err error)
	unregister(ctx context.Context, rid, token string) error
	lookup(ctx context.Context, rid string) (token string, ok bool, err error)
	refresh(ctx context.Context, rid, token string) (owned bool, err error)
	publish(ctx context.Context, node string, e envelope) error
}

// redisRegistry keeps "<prefix>gw:<RID>" = "<node>.<serial>" with a TTL the owning node
// refreshes, and gives every node a channel "<prefix>node:<node>" for envelopes.
type redisRegistry struct {
	c      *redis.Client
	prefix string
	ttl    time.Duration
}

// errNodeGone: nobody listens on the node's channel, so its registrations are stale
// leftovers that will expire with their TTL.
var errNodeGone = errors.New("cluster node not listening")

// opTimeout bounds each Redis call made on behalf of a socket.
const opTimeout = 3 * time.Second

func (r *redisRegistry) key(rid string) string      { return r.prefix + "gw:" + rid }
func (r *redisRegistry) channel(node string) string { return r.prefix + "node:" + node }

// Set-unless-proven: a token ending in "!" is a proven registration, which only
// another proven one may replace. It returns {took, previous value}.
var registerScript = redis.NewScript(`local v = redis.call('GET', KEYS[1])
if v and string.sub(v, -1) == '!' and string.sub(ARGV[1], -1) ~= '!' then return {0, v} end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {1, v or ''}`)

func (r *redisRegistry) register(ctx context.Context, rid, token string) (string, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	res, err := registerScript.Run(ctx, r.c, []string{r.key(rid)}, token, strconv.FormatInt(r.ttl.Milliseconds(), 10)).Slice()
	if err != nil {
		return "", false, err
	}
	if len(res) != 2 {
		return "", false, fmt.Errorf("redis register: unexpected reply %v", res)
	}
	took, _ := res[0].(int64)
	prev, _ := res[1].(string)
	return prev, took == 1, nil
}

// Compare-and-delete: a node only removes its own registration, never a newer one.
var unregisterScript = redis.NewScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`)

func (r *redisRegistry) unregister(ctx context.Context, rid, token string) error {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	return unregisterScript.Run(ctx, r.c, []string{r.key(rid)}, token).Err()
}

func (r *redisRegistry) lookup(ctx context.Context, rid string) (string, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	v, err := r.c.Get(ctx, r.key(rid)).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return "", false, nil
	case err != nil:
		return "", false, err
	}
	return v, true, nil
}

// Refresh keeps our entry alive, recreates it if it expired (Redis restarted or was
// unreachable longer than the TTL), and reports 0 when another owner holds it now.
var refreshScript = redis.NewScript(`local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`)

func (r *redisRegistry) refresh(ctx context.Context, rid, token string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	v, err := refreshScript.Run(ctx, r.c, []string{r.key(rid)}, token, strconv.FormatInt(r.ttl.Milliseconds(), 10)).Int()
	if err != nil {
		return true, err // unknown: keep the local registration
	}
	return v == 1, nil
}

func (r *redisRegistry) publish(ctx context.Context, node string, e envelope) error {
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode envelope: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	n, err := r.c.Publish(ctx, r.channel(node), b).Result()
	if err == nil && n == 0 {
		return fmt.Errorf("%w: %s", errNodeGone, node)
	}
	return err
}
