package hasstest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"segue/internal/hass/hasstest"
)

func call(t *testing.T, method, url, token string, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(bytes.TrimSpace(raw))
}

func TestSupervisorSecurity(t *testing.T) {
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	sup := hasstest.StartSupervisor(t, hasstest.SupervisorOptions{Core: core})
	cases := []struct {
		path, token string
		status      int
		body        string
	}{
		{"/addons/self/info", "", 401, "401: Unauthorized"},
		{"/addons/self/info", "wrong", 403, "403: Forbidden"},
		{"/backups", sup.Token(), 403, "403: Forbidden"},              // needs hassio_api
		{"/addons/self/security", sup.Token(), 403, "403: Forbidden"}, // never for self
		{"/core/api/", sup.Token(), 200, `{"message":"API running."}`},
	}
	for _, c := range cases {
		status, body := call(t, http.MethodGet, sup.URL()+c.path, c.token, "")
		if status != c.status || body != c.body {
			t.Errorf("GET %s: %d %q, want %d %q", c.path, status, body, c.status, c.body)
		}
	}
	status, body := call(t, http.MethodGet, sup.URL()+"/info", sup.Token(), "")
	var env map[string]any
	if status != 200 || json.Unmarshal([]byte(body), &env) != nil || env["result"] != "ok" || env["data"] == nil {
		t.Fatalf("/info envelope: %d %s", status, body)
	}
	sup.FailPath("/info", hasstest.Failure{Status: 400, Message: "boom"})
	if status, body := call(t, http.MethodGet, sup.URL()+"/info", sup.Token(), ""); status != 400 || body != `{"message":"boom","result":"error"}` {
		t.Fatalf("failure envelope: %d %s", status, body)
	}
}

func TestSupervisorWithoutHomeassistantAPI(t *testing.T) {
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	sup := hasstest.StartSupervisor(t, hasstest.SupervisorOptions{Core: core, NoHomeassistantAPI: true})
	if status, _ := call(t, http.MethodGet, sup.URL()+"/core/api/", sup.Token(), ""); status != 401 {
		t.Fatalf("/core/api without homeassistant_api: %d, want 401", status)
	}
}

func TestSupervisorDiscovery(t *testing.T) {
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	sup := hasstest.StartSupervisor(t, hasstest.SupervisorOptions{Core: core, Discovery: []string{"segue"}})
	status, body := call(t, http.MethodPost, sup.URL()+"/discovery", sup.Token(), `{"service":"other","config":{}}`)
	if status != 403 || !strings.Contains(body, "Apps must list services they provide via discovery in their config!") {
		t.Fatalf("undeclared service: %d %s", status, body)
	}
	status, body = call(t, http.MethodPost, sup.URL()+"/discovery", sup.Token(), `{"service":"segue","config":{"host":"h","port":8094}}`)
	var env struct {
		Result string
		Data   struct{ UUID string }
	}
	if status != 200 || json.Unmarshal([]byte(body), &env) != nil || len(env.Data.UUID) != 32 {
		t.Fatalf("discovery: %d %s", status, body)
	}
	if d := sup.Discoveries(); len(d) != 1 || d[0].Config["port"] != float64(8094) {
		t.Fatalf("recorded %v", d)
	}
}

func TestSupervisorAuth(t *testing.T) {
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	core.AddUser(hasstest.User{Username: "olga", Password: "s3cret", IsActive: true})
	denied := hasstest.StartSupervisor(t, hasstest.SupervisorOptions{Core: core})
	if status, body := call(t, http.MethodPost, denied.URL()+"/auth", denied.Token(), ""); status != 403 || !strings.Contains(body, "Can't use Home Assistant auth!") {
		t.Fatalf("without auth_api: %d %s", status, body)
	}
	sup := hasstest.StartSupervisor(t, hasstest.SupervisorOptions{Core: core, AuthAPI: true})
	post := func(contentType, body string, basic []string) (int, string, string) {
		req, _ := http.NewRequest(http.MethodPost, sup.URL()+"/auth", strings.NewReader(body))
		req.Header.Set("X-Supervisor-Token", sup.Token())
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if basic != nil {
			req.SetBasicAuth(basic[0], basic[1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, strings.TrimSpace(string(raw)), resp.Header.Get("WWW-Authenticate")
	}
	if status, body, _ := post("application/json", `{"username":"olga","password":"s3cret"}`, nil); status != 200 || body != `{"data":{},"result":"ok"}` {
		t.Fatalf("json ok: %d %s", status, body)
	}
	if status, _, _ := post("application/x-www-form-urlencoded", "user=olga&password=s3cret", nil); status != 200 {
		t.Fatalf("form ok: %d", status)
	}
	if status, _, _ := post("", "", []string{"olga", "s3cret"}); status != 200 {
		t.Fatalf("basic ok: %d", status)
	}
	if status, _, realm := post("", "", []string{"olga", "wrong"}); status != 401 || realm == "" {
		t.Fatalf("basic wrong: %d realm %q", status, realm)
	}
	if status, _, _ := post("application/json", `{"username":"olga","password":123}`, nil); status != 401 {
		t.Fatalf("non-string password: %d", status)
	}
}
