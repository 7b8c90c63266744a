package client

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"

	"segue/internal/remote/peer"
)

// HTTPResponse is a proxied HTTP response.
type HTTPResponse struct {
	Status  int
	Headers map[string]string
	Body    []byte
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "req_" + hex.EncodeToString(b)
}

// HTTPGet fetches a path through the http_proxy channel (JSON header, then binary
// frames). Requests on the channel run one at a time so their frames cannot mix.
func (c *Conn) HTTPGet(ctx context.Context, method, path string, headers map[string]string) (*HTTPResponse, error) {
	c.proxyMu.Lock()
	defer c.proxyMu.Unlock()
	if c.proxy == nil {
		if c.proxyCh == nil {
			// The first channel was abandoned (or never opened): open a fresh one.
			dc, err := c.pc.CreateDataChannel(peer.LabelHTTPProxy, nil)
			if err != nil {
				return nil, err
			}
			ch := make(chan *channel, 1)
			dc.OnOpen(func() { openChannel(dc, ch) })
			c.proxyCh = ch
		}
		select {
		case ch := <-c.proxyCh:
			c.proxy = ch
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-c.closed:
			return nil, errors.New("remote: connection closed")
		}
	}
	id := newRequestID()
	msg, _ := json.Marshal(peer.ProxyRequest{Type: "http-proxy-request", ID: id, Method: method, Path: path, Headers: headers})
	if err := c.proxy.write(msg, true); err != nil {
		c.proxy, c.proxyCh = nil, nil
		return nil, err
	}
	type result struct {
		r   *HTTPResponse
		err error
	}
	done := make(chan result, 1)
	go func() {
		r, err := c.readSized(id)
		done <- result{r, err}
	}()
	select {
	case res := <-done:
		return res.r, res.err
	case <-ctx.Done():
		// The response may still arrive; this channel's framing is lost, so drop it.
		c.proxy.rw.Close()
		c.proxy, c.proxyCh = nil, nil
		return nil, ctx.Err()
	}
}

func (c *Conn) readSized(id string) (*HTTPResponse, error) {
	buf := make([]byte, peer.MaxMessageSize+1)
	n, text, err := c.proxy.rw.ReadDataChannel(buf)
	if err != nil {
		return nil, err
	}
	if !text {
		return nil, errors.New("remote: proxy response without header")
	}
	var h peer.ProxyResponse
	if err := json.Unmarshal(buf[:n], &h); err != nil || h.ID != id {
		return nil, errors.New("remote: unexpected proxy response")
	}
	out := &HTTPResponse{Status: h.Status, Headers: h.Headers}
	if h.Body != nil { // a server that still answers in hex
		out.Body, err = hex.DecodeString(*h.Body)
		return out, err
	}
	if h.Size == nil || *h.Size < 0 || *h.Size > c.cfg.MaxMessage {
		return nil, errors.New("remote: bad proxy response size")
	}
	out.Body = make([]byte, 0, *h.Size)
	for len(out.Body) < *h.Size {
		n, text, err := c.proxy.rw.ReadDataChannel(buf)
		if err != nil {
			return nil, err
		}
		if text || len(out.Body)+n > *h.Size {
			return nil, io.ErrUnexpectedEOF
		}
		out.Body = append(out.Body, buf[:n]...)
	}
	return out, nil
}
