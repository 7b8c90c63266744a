package api

import (
	"context"
	"encoding/json"
	"strings"

	"segue/internal/fail"
)

// setupRequiredMessage is MA's connection-level error before the first user exists:
// message_id "connection", error code 503, then the server closes the socket.
type setupRequiredMessage struct {
	MessageID      string `json:"message_id"`
	ErrorCode      int    `json:"error_code"`
	Details        string `json:"details"`
	TranslationKey string `json:"translation_key"`
}

// refuseBeforeSetup answers a connection made before setup as MA does. The details
// (shown by the MA apps as a toast) name the page that creates the first user.
func (s *Server) refuseBeforeSetup(ctx context.Context, c Conn, info ConnInfo) {
	details := "Setup required: create the first user at /setup on this server"
	if strings.HasPrefix(info.BaseURL, "http://") || strings.HasPrefix(info.BaseURL, "https://") {
		details = "Setup required: create the first user at " + strings.TrimRight(info.BaseURL, "/") + "/setup"
	}
	for _, v := range []any{
		s.serverInfo(ctx, info),
		setupRequiredMessage{MessageID: "connection", ErrorCode: fail.MASetupRequired, Details: details, TranslationKey: "setup_required"},
	} {
		msg, err := json.Marshal(v)
		if err != nil || c.Send(ctx, msg) != nil {
			break
		}
	}
	_ = c.Close(1000, "setup required")
}
