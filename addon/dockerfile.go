package addon

import (
	"os"
	"path"
	"strconv"
	"strings"
)

type instr struct {
	line int
	cmd  string   // upper-case instruction
	args string   // the rest, continuation lines joined
	word []string // args split like a shell would (quotes removed)
}

type dockerStage struct {
	from  instr
	image string // the image argument of FROM (flags and AS removed)
	body  []instr
}

type dockerfile struct {
	global []instr // instructions before the first FROM (only ARG is legal there)
	stages []dockerStage
}

func parseDockerfile(data string) *dockerfile {
	df := &dockerfile{}
	lines := strings.Split(strings.ReplaceAll(data, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		start := i + 1
		text := strings.TrimSpace(lines[i])
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		for strings.HasSuffix(text, "\\") && i+1 < len(lines) {
			text = strings.TrimSuffix(text, "\\")
			i++
			next := strings.TrimSpace(lines[i])
			if strings.HasPrefix(next, "#") {
				continue // comment lines inside a continuation are dropped
			}
			text += " " + next
		}
		cmd, args, _ := strings.Cut(text, " ")
		in := instr{line: start, cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)}
		in.word = shellWords(in.args)
		if in.cmd == "FROM" {
			st := dockerStage{from: in}
			for _, w := range in.word {
				if strings.HasPrefix(w, "--") {
					continue
				}
				st.image = w
				break
			}
			df.stages = append(df.stages, st)
			continue
		}
		if len(df.stages) == 0 {
			df.global = append(df.global, in)
		} else {
			last := &df.stages[len(df.stages)-1]
			last.body = append(last.body, in)
		}
	}
	return df
}

// shellWords splits on blanks, honouring single/double quotes and backslash escapes.
func shellWords(s string) []string {
	var (
		out   []string
		cur   strings.Builder
		in    bool
		quote rune
	)
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else if r == '\\' && quote == '"' && i+1 < len(rs) {
				i++
				cur.WriteRune(rs[i])
			} else {
				cur.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote, in = r, true
		case r == '\\' && i+1 < len(rs):
			i++
			cur.WriteRune(rs[i])
			in = true
		case r == ' ' || r == '\t':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

func (c *checker) loadDockerfile() *dockerfile {
	if !c.exists("Dockerfile") {
		return nil
	}
	data, err := os.ReadFile(c.path("Dockerfile"))
	if err != nil {
		return nil
	}
	return parseDockerfile(string(data))
}

// imageRefIsBuildFrom reports whether a FROM image is the BUILD_FROM argument.
func imageRefIsBuildFrom(img string) bool {
	return img == "${BUILD_FROM}" || img == "$BUILD_FROM"
}

// pinned reports whether an image reference names a fixed tag or digest (not latest).
func pinned(img string) bool {
	if strings.Contains(img, "@sha256:") {
		return true
	}
	name := img[strings.LastIndex(img, "/")+1:]
	_, tag, ok := strings.Cut(name, ":")
	return ok && tag != "" && tag != "latest" && !strings.Contains(tag, "$")
}

// checkDockerfile: reference §1.6. The Supervisor builds `Dockerfile` (or Dockerfile.<arch>)
// in the add-on folder when config.yaml has no image.
func (c *checker) checkDockerfile() {
	const f = "Dockerfile"
	hasImage := c.config != nil && c.config.get("image") != nil
	for _, file := range c.files {
		if strings.HasPrefix(file, "Dockerfile.") && !strings.Contains(file, "/") {
			c.add(RuleDockerfilePerArch, Warning, file, 0, "", "Dockerfile.<arch> replaces Dockerfile for that architecture; keep one Dockerfile")
		}
	}
	df := c.loadDockerfile()
	if df == nil {
		if !hasImage {
			c.add(RuleDockerfileMissing, Error, f, 0, "", "missing: config.yaml has no image, so the Supervisor builds the add-on from this file")
		}
		return
	}
	if len(df.stages) == 0 {
		c.add(RuleDockerfileFrom, Error, f, 0, "", "has no FROM")
		return
	}
	// ARG BUILD_FROM=<default> must be global (before the first FROM) to be usable in FROM.
	var arg *instr
	for i := range df.global {
		in := df.global[i]
		if in.cmd == "ARG" && len(in.word) > 0 && strings.SplitN(in.word[0], "=", 2)[0] == "BUILD_FROM" {
			arg = &df.global[i]
		}
	}
	if arg == nil {
		msg := "ARG BUILD_FROM=<pinned base image> must come before the first FROM"
		for _, st := range df.stages {
			for _, in := range st.body {
				if in.cmd == "ARG" && len(in.word) > 0 && strings.SplitN(in.word[0], "=", 2)[0] == "BUILD_FROM" {
					msg += "; the ARG at line " + strconv.Itoa(in.line) + " is inside a stage, where FROM cannot see it"
				}
			}
		}
		c.add(RuleDockerfileArg, Error, f, df.stages[0].from.line, "BUILD_FROM", "%s", msg)
	} else {
		_, def, hasDef := strings.Cut(arg.word[0], "=")
		switch {
		case !hasDef || def == "":
			c.add(RuleDockerfileArg, Error, f, arg.line, "BUILD_FROM",
				"has no default: builders without build.yaml (deprecated since Supervisor 2026.04) no longer pass BUILD_FROM")
		case !pinned(def):
			c.add(RuleDockerfileUnpinned, Error, f, arg.line, "BUILD_FROM", "default %q is not pinned to a tag or digest", def)
		}
	}
	final := df.stages[len(df.stages)-1]
	if !imageRefIsBuildFrom(final.image) {
		c.add(RuleDockerfileFrom, Error, f, final.from.line, "FROM",
			"the final stage must be FROM ${BUILD_FROM} (the Home Assistant base image with s6-overlay), got %q", final.image)
	}
	labels := map[string]string{}
	for _, in := range final.body {
		if in.cmd != "LABEL" {
			continue
		}
		for _, w := range in.word {
			if k, v, ok := strings.Cut(w, "="); ok {
				labels[k] = v
			}
		}
	}
	for _, want := range []string{"io.hass.version", "io.hass.arch", "io.hass.type"} {
		if strings.TrimSpace(labels[want]) == "" {
			c.add(RuleDockerfileLabels, Error, f, final.from.line, want, "label missing in the final stage; the Supervisor reads io.hass.* from pre-built images")
		}
	}
	if t, ok := labels["io.hass.type"]; ok && t != "" && t != "addon" && t != "app" {
		c.add(RuleDockerfileLabels, Error, f, final.from.line, "io.hass.type", "must be \"addon\" (or \"app\"), got %q", t)
	}
	hasRootfs := false
	for _, file := range c.files {
		if strings.HasPrefix(file, "rootfs/") {
			hasRootfs = true
			break
		}
	}
	if hasRootfs && !copiesTo(final, "rootfs", "/") {
		c.add(RuleDockerfileCopyRootfs, Error, f, final.from.line, "COPY", "the final stage must COPY rootfs / so the s6 service definitions reach the image")
	}
}

// copiesTo reports whether a stage has COPY/ADD <src> ... <dest> with the given source and
// destination (flags such as --from or --chmod allowed).
func copiesTo(st dockerStage, src, dest string) bool {
	for _, in := range st.body {
		if in.cmd != "COPY" && in.cmd != "ADD" {
			continue
		}
		var args []string
		for _, w := range in.word {
			if !strings.HasPrefix(w, "--") {
				args = append(args, w)
			}
		}
		if len(args) < 2 || path.Clean(args[len(args)-1]) != path.Clean(dest) {
			continue
		}
		for _, a := range args[:len(args)-1] {
			if src == "" || path.Clean(strings.TrimPrefix(a, "./")) == src {
				return true
			}
		}
	}
	return false
}
