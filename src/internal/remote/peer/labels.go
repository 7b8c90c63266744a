package peer

// Channel labels with a dedicated meaning (MA PR #5642). The first channel with any other
// label is the API channel (the apps use "ma-api"); later unknown labels are refused.
const (
	LabelAPI       = "ma-api"
	LabelHTTPProxy = "http_proxy"
)
