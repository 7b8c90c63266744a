package signaling

import (
	"errors"

	"github.com/gorilla/websocket"
)

// wsCloseCode returns the close code of a gorilla read error (-1 if none) and its text.
func wsCloseCode(err error, reason *string) int {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		if reason != nil {
			*reason = ce.Text
		}
		return ce.Code
	}
	return -1
}
