package auth

// MaxStoredJSONDepth bounds how deeply nested a JSON value kept for a client
// (a user's preferences) may be: deep enough for any settings object, far
// below what makes a reader of it (a browser, another client's parser) choke.
const MaxStoredJSONDepth = 32

// jsonDepthWithin reports whether a decoded JSON value nests at most max
// levels (a scalar is 0, {} or [] is 1). It stops at the first level too deep.
func jsonDepthWithin(v any, max int) bool {
	switch x := v.(type) {
	case map[string]any:
		if max < 1 {
			return false
		}
		for _, e := range x {
			if !jsonDepthWithin(e, max-1) {
				return false
			}
		}
	case []any:
		if max < 1 {
			return false
		}
		for _, e := range x {
			if !jsonDepthWithin(e, max-1) {
				return false
			}
		}
	}
	return true
}
