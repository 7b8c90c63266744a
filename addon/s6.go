package addon

import (
	"bytes"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
)

const (
	s6Dir          = "rootfs/etc/s6-overlay/s6-rc.d/"
	s6UserBundles  = "rootfs/etc/s6-overlay/user-bundles.d/user/contents.d/"
	exitCodeFile   = "/run/s6-linux-init-container-results/exitcode"
	haltProgram    = "/run/s6/basedir/bin/halt"
	withContenvV3  = "/command/with-contenv"
	withContenvOld = "/usr/bin/with-contenv"
)

// s6 services s6-overlay itself defines; an add-on may depend on them.
func s6Builtins() []string {
	return []string{"base", "fix-attrs", "legacy-cont-init", "legacy-services", "user", "user2"}
}

type s6Service struct {
	name  string
	typ   string // longrun, oneshot, bundle, or "" when the type file is missing
	files map[string]bool
	deps  []string // dependencies.d entries
	items []string // contents.d entries (bundles)
}

// s6Services collects rootfs/etc/s6-overlay/s6-rc.d/<name>/... from the file list.
func (c *checker) s6Services() map[string]*s6Service {
	svcs := map[string]*s6Service{}
	for _, f := range c.files {
		if !strings.HasPrefix(f, s6Dir) {
			continue
		}
		rest := strings.TrimPrefix(f, s6Dir)
		name, inner, ok := strings.Cut(rest, "/")
		if !ok {
			continue
		}
		s := svcs[name]
		if s == nil {
			s = &s6Service{name: name, files: map[string]bool{}}
			svcs[name] = s
		}
		s.files[inner] = true
		if d, ok := strings.CutPrefix(inner, "dependencies.d/"); ok && !strings.Contains(d, "/") {
			s.deps = append(s.deps, d)
		}
		if d, ok := strings.CutPrefix(inner, "contents.d/"); ok && !strings.Contains(d, "/") {
			s.items = append(s.items, d)
		}
	}
	for _, s := range svcs {
		if s.files["type"] {
			if data, err := os.ReadFile(c.path(s6Dir + s.name + "/type")); err == nil {
				s.typ = strings.TrimSpace(string(data))
			}
		}
		sort.Strings(s.deps)
		sort.Strings(s.items)
	}
	return svcs
}

// checkS6: reference §3.2–§3.3 and §8.2 rule 6.
func (c *checker) checkS6() {
	svcs := c.s6Services()
	names := make([]string, 0, len(svcs))
	for n := range svcs {
		names = append(names, n)
	}
	sort.Strings(names)
	known := func(n string) bool { return svcs[n] != nil || contains(s6Builtins(), n) }

	for _, n := range names {
		s := svcs[n]
		dir := s6Dir + n + "/"
		if n == "user" || n == "user2" {
			// s6-overlay defines the user bundles; the add-on adds contents.d entries. Since
			// 3.2.3.1 a user/ folder in the tree is read as a full definition: without its
			// type file s6-rc-compile fails ("unable to read .../s6-rc.d/user/type").
			if s.typ != "bundle" {
				c.add(RuleS6UserBundleType, Error, dir+"type", 0, "", "must exist and say bundle (got %q): s6-overlay 3.2.3.1 and later refuse the tree without it", s.typ)
			}
			for _, item := range s.items {
				if !known(item) {
					c.add(RuleS6Bundle, Error, dir+"contents.d/"+item, 0, "", "the user bundle names a service %q that does not exist; s6-rc-compile fails and the container does not boot", item)
				}
			}
			continue
		}
		switch s.typ {
		case "longrun":
			c.checkExecutable(dir+"run", true)
			if s.files["finish"] {
				c.checkExecutable(dir+"finish", false)
			} else {
				c.add(RuleS6Finish, Error, dir+"finish", 0, "", "missing: without a finish that records the exit code and halts, a crash restart-loops inside a container the Supervisor thinks is running")
			}
		case "oneshot":
			if !s.files["up"] {
				c.add(RuleS6Run, Error, dir+"up", 0, "", "a oneshot needs an up file (one execline command line)")
			}
		case "bundle":
			if len(s.items) == 0 && !s.files["contents"] {
				c.add(RuleS6Bundle, Error, dir+"contents.d", 0, "", "a bundle needs contents.d entries")
			}
			for _, item := range s.items {
				if !known(item) {
					c.add(RuleS6Bundle, Error, dir+"contents.d/"+item, 0, "", "names a service %q that does not exist", item)
				}
			}
		case "":
			c.add(RuleS6Type, Error, dir+"type", 0, "", "missing: every s6-rc service needs a type file (longrun, oneshot or bundle)")
		default:
			c.add(RuleS6Type, Error, dir+"type", 0, "", "%q is not longrun, oneshot or bundle", s.typ)
		}
		for _, d := range s.deps {
			if !known(d) {
				c.add(RuleS6Dependency, Error, dir+"dependencies.d/"+d, 0, "", "depends on %q, which is neither a service here nor an s6-overlay one (base)", d)
			}
		}
		if (s.typ == "longrun" || s.typ == "oneshot") && len(s.deps) == 0 {
			c.add(RuleS6Dependency, Error, dir+"dependencies.d/base", 0, "", "no dependencies: add dependencies.d/base so the service starts after s6-overlay's base setup")
		}
	}
	// Which services start at boot: the user bundle (either location) and what it pulls in.
	var start []string
	if u := svcs["user"]; u != nil {
		start = append(start, u.items...)
	}
	for _, f := range c.files {
		if item, ok := strings.CutPrefix(f, s6UserBundles); ok && !strings.Contains(item, "/") {
			if !known(item) {
				c.add(RuleS6Bundle, Error, f, 0, "", "the user bundle names a service %q that does not exist", item)
			}
			start = append(start, item)
		}
	}
	reached := map[string]bool{}
	for len(start) > 0 {
		n := start[0]
		start = start[1:]
		if reached[n] {
			continue
		}
		reached[n] = true
		if s := svcs[n]; s != nil {
			start = append(start, s.deps...)
			start = append(start, s.items...)
		}
	}
	for _, n := range names {
		s := svcs[n]
		if (s.typ == "longrun" || s.typ == "oneshot") && !reached[n] {
			c.add(RuleS6Bundle, Error, s6Dir+"user/contents.d/"+n, 0, "", "service %q is never started: add an empty user/contents.d/%s", n, n)
		}
	}
	for _, n := range names {
		if svcs[n].typ != "longrun" {
			continue
		}
		c.checkScript(s6Dir+n+"/run", true)
		if svcs[n].files["finish"] {
			c.checkScript(s6Dir+n+"/finish", false)
		}
	}
}

// checkExecutable: the mode on disk and, in a git checkout, the mode git will commit.
func (c *checker) checkExecutable(rel string, required bool) {
	st, err := os.Stat(c.path(rel))
	if err != nil || !c.exists(rel) {
		if required {
			c.add(RuleS6Run, Error, rel, 0, "", "missing: a longrun needs an executable run script")
		}
		return
	}
	if st.Mode().Perm()&0o111 != 0o111 {
		c.add(RuleS6ExecBit, Error, rel, 0, "", "not executable (mode %v); s6 cannot start it — chmod 0755", st.Mode().Perm())
	}
	if mode, ok := c.gitIdx[rel]; ok && mode != "100755" {
		c.add(RuleS6ExecBitGit, Error, rel, 0, "", "committed without the executable bit (git mode %s); run git update-index --chmod=+x %s", mode, rel)
	}
}

// scriptLines returns the non-empty, non-comment lines after the shebang.
func scriptLines(data []byte) []string {
	var out []string
	for i, l := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(l)
		if i == 0 || t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		out = append(out, t)
	}
	return out
}

func (c *checker) checkScript(rel string, isRun bool) {
	data, err := os.ReadFile(c.path(rel))
	if err != nil {
		return
	}
	if bytes.Contains(data, []byte("\r\n")) {
		c.add(RuleS6Shebang, Error, rel, 1, "", "has CRLF line endings; the kernel looks for an interpreter ending in \\r and the service never starts")
	}
	first, _, _ := strings.Cut(string(data), "\n")
	if !strings.HasPrefix(first, "#!") {
		c.add(RuleS6Shebang, Error, rel, 1, "", "has no #! line")
		return
	}
	interp := strings.Fields(strings.TrimPrefix(first, "#!"))
	if len(interp) == 0 || !path.IsAbs(interp[0]) {
		c.add(RuleS6Shebang, Error, rel, 1, "", "the #! interpreter must be an absolute path")
		return
	}
	if interp[0] == withContenvOld {
		c.add(RuleS6Shebang, Error, rel, 1, "", "%s is the s6-overlay v2 path; v3 has %s", withContenvOld, withContenvV3)
	}
	execline := strings.HasSuffix(interp[0], "execlineb")
	lines := scriptLines(data)
	code := strings.Join(lines, "\n")
	if isRun {
		contenv := interp[0] == withContenvV3 || strings.Contains(code, "with-contenv")
		if !contenv {
			c.add(RuleS6Contenv, Error, rel, 1, "", "does not use %s: s6 starts services with a cleaned environment, so SUPERVISOR_TOKEN and TZ would be missing", withContenvV3)
		}
		if !execline && (len(lines) == 0 || !strings.HasPrefix(lines[len(lines)-1], "exec ")) {
			c.add(RuleS6RunExec, Error, rel, 0, "", "must end by exec-ing the server in the foreground, so the server is the supervised process and receives SIGTERM")
		}
		return
	}
	if !writesExitCode(lines) {
		c.add(RuleS6Finish, Error, rel, 0, "", "does not record the exit code in %s; the Supervisor would see a failed add-on as stopped cleanly", exitCodeFile)
	}
	if !strings.Contains(code, haltProgram) {
		c.add(RuleS6Finish, Error, rel, 0, "", "does not call %s; after a crash s6 would restart the server in a loop", haltProgram)
	}
}

// writesExitCode reports whether some command line redirects into the container exit code
// file, directly or through a variable holding its path.
func writesExitCode(lines []string) bool {
	targets := []string{exitCodeFile}
	reAssign := regexp.MustCompile(`(\w+)=["']?` + regexp.QuoteMeta(exitCodeFile) + `["']?\s*$`)
	for _, l := range lines {
		if m := reAssign.FindStringSubmatch(l); m != nil {
			targets = append(targets, "$"+m[1], "${"+m[1]+"}")
		}
	}
	for _, l := range lines {
		_, after, ok := strings.Cut(l, ">")
		for ok {
			t := strings.Trim(strings.Fields(after + " x")[0], `"'`)
			if strings.HasPrefix(after, ">") { // >>
				t = strings.Trim(strings.Fields(after[1:] + " x")[0], `"'`)
			}
			if contains(targets, t) {
				return true
			}
			_, after, ok = strings.Cut(after, ">")
		}
	}
	return false
}
