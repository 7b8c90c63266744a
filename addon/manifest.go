package addon

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Regular expressions and value sets copied from the Supervisor (supervisor/apps/validate.py,
// supervisor/validate.py, supervisor/apps/const.py, supervisor/docker/const.py), see
// reference/ha-addon.md §1.2.
var (
	reSlug        = regexp.MustCompile(`^[-_.A-Za-z0-9]+$`)
	reDockerPort  = regexp.MustCompile(`^\d+(?:/tcp|/udp)?$`)
	reWatchdog    = regexp.MustCompile(`^(?:https?|\[PROTO:\w+\]|tcp)://\[HOST\]:(\[PORT:\d+\]|\d+).*$`)
	reWebUI       = regexp.MustCompile(`^(?:https?|\[PROTO:\w+\])://\[HOST\]:\[PORT:\d+\].*$`)
	reDockerImage = regexp.MustCompile(`^([a-zA-Z\-\.:\d{}]+/)*?([\-\w{}]+)/([\-\w{}]+)$`)
	reService     = regexp.MustCompile(`^(?:mqtt|mysql):(?:provide|want|need)$`)
	reEnvKey      = regexp.MustCompile(`^\w*`)
	reVolume      = regexp.MustCompile(`^(data|config|ssl|local_apps|addons|backup|share|media|homeassistant_config|all_app_configs|all_addon_configs|app_config|addon_config)(?::(rw|ro))?$`)
	reMachine     = regexp.MustCompile(`^!?(?:|intel-nuc|khadas-vim3|generic-aarch64|generic-x86-64|odroid-c2|odroid-c4|odroid-m1|odroid-n2|odroid-xu|qemuarm-64|qemuarm|qemux86-64|qemux86|raspberrypi|raspberrypi2|raspberrypi3-64|raspberrypi3|raspberrypi4-64|raspberrypi4|raspberrypi5-64|yellow|green|tinker)$`)
	rePortRef     = regexp.MustCompile(`\[PORT:(\d+)\]`)
)

type keyType int

const (
	tStr keyType = iota
	tBool
	tInt
	tVersion
	tURL
	tEnum
	tStrList
	tSpecial // checked by its own function
)

type keySpec struct {
	t    keyType
	enum []string
	// deprecated values of an enum (accepted with a warning)
	deprecated []string
}

func configKeys() map[string]keySpec {
	boolKeys := []string{"init", "advanced", "ingress", "ingress_stream", "panel_admin", "host_network",
		"host_pid", "host_ipc", "host_uts", "host_dbus", "udev", "tmpfs", "apparmor", "full_access",
		"audio", "video", "gpio", "usb", "uart", "devicetree", "kernel_modules", "realtime",
		"hassio_api", "homeassistant_api", "stdin", "legacy", "docker_api", "auth_api", "journald"}
	m := map[string]keySpec{
		"name":              {t: tStr},
		"version":           {t: tVersion},
		"slug":              {t: tSpecial},
		"description":       {t: tStr},
		"arch":              {t: tSpecial},
		"machine":           {t: tSpecial},
		"url":               {t: tURL},
		"startup":           {t: tEnum, enum: []string{"initialize", "system", "services", "application", "once"}, deprecated: []string{"before", "after"}},
		"boot":              {t: tEnum, enum: []string{"auto", "manual", "manual_only"}},
		"stage":             {t: tEnum, enum: []string{"stable", "experimental", "deprecated"}},
		"ports":             {t: tSpecial},
		"ports_description": {t: tSpecial},
		"watchdog":          {t: tSpecial},
		"webui":             {t: tSpecial},
		"ingress_port":      {t: tSpecial},
		"ingress_entry":     {t: tSpecial},
		"panel_icon":        {t: tStr},
		"panel_title":       {t: tStr},
		"homeassistant":     {t: tVersion},
		"devices":           {t: tStrList},
		"map":               {t: tSpecial},
		"environment":       {t: tSpecial},
		"privileged":        {t: tSpecial},
		"hassio_role":       {t: tEnum, enum: []string{"default", "homeassistant", "backup", "manager", "admin"}},
		"services":          {t: tSpecial},
		"discovery":         {t: tStrList},
		"backup_exclude":    {t: tSpecial},
		"backup_pre":        {t: tStr},
		"backup_post":       {t: tStr},
		"restore_pre":       {t: tStr},
		"restore_post":      {t: tStr},
		"backup":            {t: tEnum, enum: []string{"hot", "cold"}},
		"options":           {t: tSpecial},
		"schema":            {t: tSpecial},
		"image":             {t: tSpecial},
		"ulimits":           {t: tSpecial},
		"timeout":           {t: tSpecial},
		"breaking_versions": {t: tSpecial},
	}
	for _, k := range boolKeys {
		m[k] = keySpec{t: tBool}
	}
	return m
}

// deprecatedKeys are migrated or ignored by the Supervisor with a warning.
func deprecatedKeys() map[string]string {
	return map[string]string{
		"auto_uart":        "use uart",
		"snapshot":         "renamed to backup",
		"snapshot_exclude": "renamed to backup_exclude",
		"snapshot_pre":     "renamed to backup_pre",
		"snapshot_post":    "renamed to backup_post",
		"codenotary":       "no longer used",
		"advanced":         "ignored since Supervisor 2026.03",
	}
}

func capabilities() []string {
	return []string{"BPF", "CHECKPOINT_RESTORE", "DAC_READ_SEARCH", "IPC_LOCK", "NET_ADMIN", "NET_RAW",
		"PERFMON", "SYS_ADMIN", "SYS_MODULE", "SYS_NICE", "SYS_PTRACE", "SYS_RAWIO", "SYS_RESOURCE", "SYS_TIME"}
}

func mappingTypes() []string {
	return []string{"data", "config", "ssl", "local_apps", "addons", "backup", "share", "media",
		"homeassistant_config", "all_app_configs", "all_addon_configs", "app_config", "addon_config"}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// validURL mirrors voluptuous' Url(): a string whose urlparse has a scheme and a netloc.
func validURL(v *value) bool {
	if v == nil || v.kind != kStr {
		return false
	}
	u, err := url.Parse(v.raw)
	return err == nil && u.Scheme != "" && u.Host != ""
}

func (c *checker) checkConfig() {
	var found []string
	for _, f := range c.files {
		if !strings.Contains(f, "/") && isNamed(f, "config") {
			found = append(found, f)
		}
	}
	if len(found) == 0 {
		c.add(RuleConfigMissing, Error, "config.yaml", 0, "", "missing: the add-on manifest is required at the root")
		return
	}
	sort.Strings(found)
	c.cfgFile = found[len(found)-1] // config.yaml sorts after config.json/yml
	for _, f := range found {
		if f == "config.yaml" {
			c.cfgFile = f
		}
	}
	f := c.cfgFile
	v, dups, err := loadYAML(c.path(f))
	if err != nil {
		c.add(RuleConfigParse, Error, f, 0, "", "cannot be parsed, the store skips the add-on (\"Can't read\"): %v", err)
		return
	}
	c.reportDups(f, dups)
	if v.kind != kMap {
		c.add(RuleConfigParse, Error, f, v.line, "", "must be a mapping (\"App config must be a dictionary!\"), got %s", v.describe())
		return
	}
	c.config = v

	for _, req := range []string{"name", "version", "slug", "description", "arch"} {
		if x := v.get(req); x == nil || x.kind == kNull {
			c.add(RuleConfigRequired, Error, f, v.line, req, "required key is missing; the store skips the add-on")
		}
	}
	if n := v.get("name"); n != nil && n.kind == kStr && strings.TrimSpace(n.raw) == "" {
		c.add(RuleConfigRequired, Error, f, n.line, "name", "empty; the Supervisor reports \"Invalid app config!\"")
	}

	specs := configKeys()
	deprecated := deprecatedKeys()
	for i, k := range v.keys {
		val := v.vals[i]
		if k.kind != kStr {
			c.add(RuleConfigType, Error, f, k.line, k.raw, "keys must be strings, got %s", k.describe())
			continue
		}
		key := k.raw
		if why, ok := deprecated[key]; ok {
			c.add(RuleConfigDeprecated, Warning, f, k.line, key, "deprecated (%s)", why)
			continue
		}
		spec, ok := specs[key]
		if !ok {
			c.add(RuleConfigUnknownKey, Warning, f, k.line, key, "unknown key: the Supervisor drops it silently (a typo disables the feature)")
			continue
		}
		c.checkKey(f, key, spec, val)
	}
	c.checkConfigRelations(f, v)
	c.checkSchema(f, v)
}

func (c *checker) typeErr(f, key string, v *value, want string) {
	c.add(RuleConfigType, Error, f, v.line, key, "must be %s, got %s", want, v.describe())
}

func (c *checker) checkKey(f, key string, spec keySpec, v *value) {
	switch spec.t {
	case tStr:
		if v.kind != kStr {
			c.typeErr(f, key, v, "a string")
		}
	case tBool:
		// The Supervisor's vol.Boolean() also coerces "true"/"1"; the kit insists on a real
		// YAML boolean like the add-on linter does, so the type is never ambiguous.
		if v.kind != kBool {
			c.typeErr(f, key, v, "a boolean (true/false)")
		}
	case tVersion:
		c.checkVersion(f, key, v)
	case tURL:
		if !validURL(v) {
			c.add(RuleConfigURL, Error, f, v.line, key, "must be a URL with scheme and host, got %s", v.describe())
		}
	case tEnum:
		if v.kind != kStr {
			c.typeErr(f, key, v, "one of "+strings.Join(spec.enum, ", "))
			return
		}
		if contains(spec.deprecated, v.raw) {
			c.add(RuleConfigDeprecated, Warning, f, v.line, key, "value %q is deprecated", v.raw)
		} else if !contains(spec.enum, v.raw) {
			c.add(RuleConfigEnum, Error, f, v.line, key, "%q is not one of %s", v.raw, strings.Join(spec.enum, ", "))
		}
	case tStrList:
		c.strList(f, key, v)
	case tSpecial:
		c.checkSpecial(f, key, v)
	}
}

func (c *checker) checkVersion(f, key string, v *value) {
	switch v.kind {
	case kStr:
		if strings.TrimSpace(v.raw) == "" {
			c.add(RuleConfigVersion, Error, f, v.line, key, "empty version")
		}
	case kInt, kFloat:
		c.add(RuleConfigVersion, Error, f, v.line, key, "%s is read as a number (1.10 becomes 1.1); quote it", v.raw)
	default:
		c.add(RuleConfigVersion, Error, f, v.line, key, "must be a quoted version string, got %s", v.describe())
	}
}

func (c *checker) strList(f, key string, v *value) []*value {
	if v.kind != kList {
		c.typeErr(f, key, v, "a list of strings")
		return nil
	}
	var out []*value
	for _, e := range v.list {
		if e.kind != kStr {
			c.typeErr(f, key, e, "a string")
			continue
		}
		out = append(out, e)
	}
	return out
}

func intIn(v *value, lo, hi int64) bool { return v.kind == kInt && v.i >= lo && v.i <= hi }

func (c *checker) checkSpecial(f, key string, v *value) {
	switch key {
	case "slug":
		if v.kind != kStr {
			c.typeErr(f, key, v, "a string")
		} else if !reSlug.MatchString(v.raw) {
			c.add(RuleConfigPattern, Error, f, v.line, key, "%q does not match %s", v.raw, reSlug)
		}
	case "arch":
		items := c.strList(f, key, v)
		if v.kind == kList && len(v.list) == 0 {
			c.add(RuleConfigRequired, Error, f, v.line, key, "empty: list at least one architecture")
		}
		for _, a := range items {
			switch a.raw {
			case "aarch64", "amd64":
			case "armhf", "armv7", "i386":
				c.add(RuleConfigDeprecated, Warning, f, a.line, key, "architecture %q is deprecated", a.raw)
			default:
				c.add(RuleConfigEnum, Error, f, a.line, key, "unknown architecture %q (aarch64, amd64); the store skips the add-on", a.raw)
			}
		}
	case "machine":
		seen := map[string]bool{}
		for _, m := range c.strList(f, key, v) {
			if !reMachine.MatchString(m.raw) {
				c.add(RuleConfigPattern, Error, f, m.line, key, "unknown machine %q", m.raw)
			}
			if seen[m.raw] {
				c.add(RuleConfigPattern, Error, f, m.line, key, "machine %q listed twice (must be unique)", m.raw)
			}
			seen[m.raw] = true
		}
	case "ports":
		if v.kind != kMap {
			c.typeErr(f, key, v, "a mapping of \"<port>/tcp\" to a host port or null")
			return
		}
		for i, k := range v.keys {
			c.portKey(f, key, k)
			hp := v.vals[i]
			if hp.kind == kNull {
				continue
			}
			if hp.kind != kInt {
				c.typeErr(f, key+"."+k.raw, hp, "a host port number or null")
			} else if !intIn(hp, 1, 65535) {
				c.add(RuleConfigRange, Error, f, hp.line, key+"."+k.raw, "host port %d is outside 1..65535", hp.i)
			}
		}
	case "ports_description":
		if v.kind != kMap {
			c.typeErr(f, key, v, "a mapping of \"<port>/tcp\" to a description")
			return
		}
		for i, k := range v.keys {
			c.portKey(f, key, k)
			if v.vals[i].kind != kStr {
				c.typeErr(f, key+"."+k.raw, v.vals[i], "a string")
			}
		}
	case "watchdog", "webui":
		re := reWatchdog
		if key == "webui" {
			re = reWebUI
		}
		if v.kind != kStr {
			c.typeErr(f, key, v, "a string")
		} else if !re.MatchString(v.raw) {
			c.add(RuleConfigPattern, Error, f, v.line, key, "%q does not match %s", v.raw, re)
		}
	case "ingress_port":
		if v.kind != kInt {
			c.typeErr(f, key, v, "an integer port (0 = dynamic)")
		} else if !intIn(v, 0, 65535) {
			c.add(RuleConfigRange, Error, f, v.line, key, "%d is outside 0..65535", v.i)
		}
	case "ingress_entry":
		if v.kind != kStr {
			c.typeErr(f, key, v, "a string")
		} else if strings.HasPrefix(v.raw, "/") {
			c.add(RuleConfigPattern, Error, f, v.line, key, "must not start with / (it is appended to the ingress URL)")
		}
	case "map":
		if v.kind != kList {
			c.typeErr(f, key, v, "a list")
			return
		}
		for _, e := range v.list {
			switch e.kind {
			case kStr:
				if !reVolume.MatchString(e.raw) {
					c.add(RuleConfigMap, Warning, f, e.line, key, "invalid entry %q is skipped by the Supervisor", e.raw)
				}
			case kMap:
				t := e.get("type")
				if t == nil {
					c.add(RuleConfigMap, Warning, f, e.line, key, "entry without type is skipped by the Supervisor")
				} else if !contains(mappingTypes(), t.str()) {
					c.add(RuleConfigMap, Error, f, t.line, key+".type", "unknown map type %s; the store skips the add-on", t.describe())
				}
				if ro := e.get("read_only"); ro != nil && ro.kind != kBool {
					c.typeErr(f, key+".read_only", ro, "a boolean")
				}
				if p := e.get("path"); p != nil && p.kind != kStr {
					c.typeErr(f, key+".path", p, "a string")
				}
			default:
				c.typeErr(f, key, e, "a string or a mapping")
			}
		}
	case "environment":
		if v.kind != kMap {
			c.typeErr(f, key, v, "a mapping of names to strings")
			return
		}
		for i, k := range v.keys {
			if k.kind != kStr || !reEnvKey.MatchString(k.raw) {
				c.add(RuleConfigPattern, Error, f, k.line, key, "invalid variable name %s", k.describe())
			}
			if v.vals[i].kind != kStr {
				c.typeErr(f, key+"."+k.raw, v.vals[i], "a string")
			}
		}
	case "privileged":
		for _, p := range c.strList(f, key, v) {
			if !contains(capabilities(), p.raw) {
				c.add(RuleConfigEnum, Error, f, p.line, key, "unknown capability %q; the store skips the add-on", p.raw)
			}
		}
	case "services":
		for _, s := range c.strList(f, key, v) {
			if !reService.MatchString(s.raw) {
				c.add(RuleConfigPattern, Error, f, s.line, key, "%q does not match %s", s.raw, reService)
			}
		}
	case "backup_exclude":
		for _, p := range c.strList(f, key, v) {
			// The Supervisor matches PurePath(<host path of the file>).match(pattern); an
			// absolute pattern only matches the whole host path, which is never /data/...
			if strings.HasPrefix(p.raw, "/") {
				c.add(RuleConfigBackupExclude, Error, f, p.line, key, "%q is absolute and never matches (patterns are matched from the right against the Supervisor's host path); use a relative pattern such as \"cache/*\"", p.raw)
			} else if _, err := path.Match(p.raw, ""); err != nil {
				c.add(RuleConfigBackupExclude, Error, f, p.line, key, "%q is not a valid glob: %v", p.raw, err)
			}
		}
	case "options":
		if v.kind != kMap {
			c.typeErr(f, key, v, "a mapping")
		}
	case "schema":
		if v.kind != kMap && !(v.kind == kBool && !v.b) {
			c.typeErr(f, key, v, "a mapping or false")
		}
	case "image":
		if v.kind != kStr {
			c.typeErr(f, key, v, "a string")
		} else if !reDockerImage.MatchString(v.raw) {
			c.add(RuleConfigPattern, Error, f, v.line, key, "%q is not an image name without tag (%s)", v.raw, reDockerImage)
		}
	case "ulimits":
		if v.kind != kMap {
			c.typeErr(f, key, v, "a mapping")
			return
		}
		for i, k := range v.keys {
			lim := v.vals[i]
			switch lim.kind {
			case kInt:
			case kMap:
				for _, sh := range []string{"soft", "hard"} {
					if x := lim.get(sh); x == nil || x.kind != kInt {
						c.add(RuleConfigType, Error, f, lim.line, key+"."+k.raw+"."+sh, "required integer")
					}
				}
			default:
				c.typeErr(f, key+"."+k.raw, lim, "an integer or {soft, hard}")
			}
		}
	case "timeout":
		if v.kind != kInt {
			c.typeErr(f, key, v, "an integer number of seconds")
		} else if !intIn(v, 10, 300) {
			c.add(RuleConfigRange, Error, f, v.line, key, "%d is outside 10..300", v.i)
		}
	case "breaking_versions":
		if v.kind != kList {
			c.typeErr(f, key, v, "a list of versions")
			return
		}
		for _, e := range v.list {
			c.checkVersion(f, key, e)
		}
	}
}

func (c *checker) portKey(f, key string, k *value) {
	if k.kind != kStr {
		c.add(RuleConfigType, Error, f, k.line, key, "port key %s must be a string like \"8095/tcp\"", k.describe())
	} else if !reDockerPort.MatchString(k.raw) {
		c.add(RuleConfigPattern, Error, f, k.line, key, "port key %q does not match %s (lower-case protocol)", k.raw, reDockerPort)
	}
}

// portNumber parses "8095/tcp" → 8095.
func portNumber(key string) (int64, bool) {
	n, _, _ := strings.Cut(key, "/")
	i, err := strconv.ParseInt(n, 10, 64)
	return i, err == nil
}

// checkConfigRelations: rules spanning several keys or files.
func (c *checker) checkConfigRelations(f string, v *value) {
	ports := v.get("ports")
	portKeys := map[string]*value{}
	if ports != nil && ports.kind == kMap {
		for _, k := range ports.keys {
			portKeys[k.raw] = k
		}
	}
	ingress := v.get("ingress")
	ingressOn := ingress != nil && ingress.kind == kBool && ingress.b
	ingressPort := int64(8099)
	if ip := v.get("ingress_port"); ip != nil && ip.kind == kInt {
		ingressPort = ip.i
	}
	if ingressOn {
		for key, k := range portKeys {
			n, ok := portNumber(key)
			if !ok {
				continue
			}
			if ingressPort == 0 && n >= 62000 && n <= 65500 {
				c.add(RuleConfigIngressDynamic, Error, f, k.line, "ports."+key,
					"ingress_port 0 picks a port in 62000-65500, which must not be used by ports; the store skips the add-on")
			}
			if n == ingressPort {
				c.add(RuleConfigIngressPublished, Error, f, k.line, "ports."+key,
					"the ingress port must never be published: it trusts the Supervisor's identity headers")
			}
		}
	}
	if desc := v.get("ports_description"); desc != nil && desc.kind == kMap {
		for _, k := range desc.keys {
			if _, ok := portKeys[k.raw]; !ok {
				c.add(RuleConfigPortsDescription, Error, f, k.line, "ports_description."+k.raw, "describes a port that is not in ports")
			}
		}
		for key, k := range portKeys {
			if desc.get(key) == nil {
				c.add(RuleConfigPortsDescription, Error, f, k.line, "ports."+key, "has no ports_description entry")
			}
		}
	}
	if wd := v.get("watchdog"); wd != nil && wd.kind == kStr {
		if m := rePortRef.FindStringSubmatch(wd.raw); m != nil {
			n, _ := strconv.ParseInt(m[1], 10, 64)
			_, tcp := portKeys[m[1]+"/tcp"]
			_, bare := portKeys[m[1]]
			if !tcp && !bare && !(ingressOn && n == ingressPort) {
				c.add(RuleConfigWatchdogPort, Error, f, wd.line, "watchdog",
					"[PORT:%s] is neither a ports key nor the ingress port, so the Supervisor cannot map it", m[1])
			}
		}
	}
	// s6-overlay v3 must be PID 1: with init true Docker's tini is PID 1 and the add-on dies
	// with "s6-overlay-suexec: fatal: can only run as pid 1".
	usesS6 := false
	for _, file := range c.files {
		if strings.HasPrefix(file, "rootfs/etc/s6-overlay/") || strings.HasPrefix(file, "rootfs/etc/services.d/") {
			usesS6 = true
			break
		}
	}
	if usesS6 {
		if in := v.get("init"); in == nil || in.kind != kBool || in.b {
			line := v.line
			if in != nil {
				line = in.line
			}
			c.add(RuleConfigInit, Error, f, line, "init", "must be false: the image runs s6-overlay v3, which has to be PID 1")
		}
	}
}

func keyList(m map[string]bool) string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return fmt.Sprint(out)
}
