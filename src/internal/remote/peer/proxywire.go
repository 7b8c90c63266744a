package peer

// The http_proxy messages (MA PR #5642). On the http_proxy channel a response is
// this JSON header followed by Size bytes in binary frames; on the API channel (the
// older form) it carries the whole body in hex.

// ProxyRequest is {"type":"http-proxy-request",…}.
type ProxyRequest struct {
	Type    string            `json:"type"`
	ID      string            `json:"id"`
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Headers map[string]string `json:"headers"`
}

// ProxyResponse is the JSON part of the answer. Body (hex) is set on the API channel;
// Size (followed by binary frames) on the http_proxy channel.
type ProxyResponse struct {
	Type    string            `json:"type"`
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    *string           `json:"body,omitempty"`
	Size    *int              `json:"size,omitempty"`
}
