package music

import (
	"encoding/json"
	"strconv"
)

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
