package haaddon_test

import (
	"io"
	"testing"

	"segue/internal/config"
	"segue/internal/haaddon"
	"segue/internal/logging"
)

// TestOutsideTheAddonNothingIsAdded: app.New calls every method without a
// branch, so outside the add-on Connect returns nil and a nil connection adds
// no module, no role source and no sign-in (device login keeps its default).
func TestOutsideTheAddonNothingIsAdded(t *testing.T) {
	c, err := haaddon.Connect(haaddon.Deps{Config: config.Config{AddonMode: false}, Log: logging.New(io.Discard, "info")})
	if err != nil || c != nil {
		t.Fatalf("Connect outside the add-on = %v, %v; want nil, nil", c, err)
	}
	if m := c.Module(); m.Name != "" || len(m.Background) != 0 {
		t.Fatalf("module %+v", m)
	}
	if c.Roles() != nil {
		t.Fatal("a role source outside the add-on")
	}
	if m, providerURL := c.SignIn(haaddon.SignInDeps{}); m.Name != "" || len(m.Routes) != 0 || len(m.Commands) != 0 || providerURL != nil {
		t.Fatalf("sign-in outside the add-on: %+v", m)
	}
}
