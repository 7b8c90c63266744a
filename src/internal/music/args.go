package music

import (
	"bytes"
	"encoding/json"
	"strconv"

	"segue/internal/api"
	"segue/internal/fail"
)

// decode reads MA-style arguments: absent or null keys keep the defaults already
// in *v, unknown keys are ignored (MA parses arguments non-strictly).
func decode[T any](c *api.Call, v *T) error {
	raw := bytes.TrimSpace(c.Args)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fail.Invalid("Invalid arguments: %s", describe(err))
	}
	return nil
}

func describe(err error) string {
	if e, ok := err.(*json.UnmarshalTypeError); ok {
		return "field " + strconv.Quote(e.Field) + " must be " + e.Type.String()
	}
	return "malformed JSON"
}

// flexID is an id sent as a JSON string or number ("12" or 12), as MA accepts.
type flexID string

func (f *flexID) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexID(n.String())
	return nil
}

// flexList is one value or a list of them (MA's `str | list[str]` arguments).
type flexList []string

func (f *flexList) UnmarshalJSON(b []byte) error {
	var list []flexID
	if err := json.Unmarshal(b, &list); err == nil {
		*f = make([]string, len(list))
		for i, v := range list {
			(*f)[i] = string(v)
		}
		return nil
	}
	var one flexID
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*f = []string{string(one)}
	return nil
}

// libraryID parses a library item id ("12"); anything else is not in the library.
func libraryID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}
