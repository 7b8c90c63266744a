package api

import (
	"bytes"
	"encoding/json"
	"strconv"

	"segue/internal/fail"
)

// DecodeLenientArgs reads a call's arguments into *v the way Music Assistant parses
// them: absent or null keys keep the defaults already in *v and unknown keys are
// ignored (the MA apps send fields Segue does not use). DecodeArgs is the strict form
// for Segue's own commands.
func DecodeLenientArgs[T any](call *Call, v *T) error {
	raw := bytes.TrimSpace(call.Args)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		if e, ok := err.(*json.UnmarshalTypeError); ok {
			return fail.Invalid("Invalid arguments: field %s must be %s", strconv.Quote(e.Field), e.Type.String())
		}
		return fail.Invalid("Invalid arguments: malformed JSON")
	}
	return nil
}
