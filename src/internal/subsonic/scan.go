package subsonic

import (
	"context"

	"segue/internal/auth"
)

func (h *Handler) scanStatus(ctx context.Context) *ScanStatus {
	st := h.d.Library.Status()
	out := &ScanStatus{Scanning: st.Scanning, Count: int64(st.Tracks), FolderCount: len(h.d.Library.AllFolders()),
		LastScan: iso(st.Finished)}
	if st.Scanning {
		out.Count = int64(st.FilesSeen)
	}
	return out
}

func (h *Handler) getScanStatus(ctx context.Context, _ *auth.Principal, _ *Params) (*Response, *Error) {
	r := h.enc.envelope()
	r.ScanStatus = h.scanStatus(ctx)
	return r, nil
}

// startScan starts a full scan (admins only, as navidrome) and answers the status.
func (h *Handler) startScan(ctx context.Context, p *auth.Principal, _ *Params) (*Response, *Error) {
	if !p.IsAdmin() {
		return nil, errNotAuthorized
	}
	h.d.Library.StartScan()
	r := h.enc.envelope()
	r.ScanStatus = h.scanStatus(ctx)
	r.ScanStatus.Scanning = true
	return r, nil
}
