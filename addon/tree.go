package addon

import (
	"bytes"
	"image/png"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
)

// listFiles collects the files of the add-on folder. In a git work tree whose top level is
// the root, that is what a clone would contain: tracked files plus untracked ones that are
// not ignored (so node_modules/ and data dirs do not count). Elsewhere (the broken copies of
// the tests) the folder is walked, skipping .git and node_modules.
func (c *checker) listFiles() error {
	if c.opt.Git != "" && c.isGitTop() {
		out, err := exec.Command(c.opt.Git, "-C", c.root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
		if err == nil {
			for _, p := range strings.Split(string(out), "\x00") {
				if p == "" {
					continue
				}
				if st, err := os.Lstat(c.path(p)); err == nil && st.Mode().IsRegular() {
					c.files = append(c.files, p)
				}
			}
			c.readGitIndex()
			return nil
		}
	}
	return filepath.WalkDir(c.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(c.root, p)
			c.files = append(c.files, filepath.ToSlash(rel))
		}
		return nil
	})
}

func (c *checker) isGitTop() bool {
	out, err := exec.Command(c.opt.Git, "-C", c.root, "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return false
	}
	top, err1 := filepath.EvalSymlinks(strings.TrimSpace(string(out)))
	root, err2 := filepath.EvalSymlinks(c.root)
	return err1 == nil && err2 == nil && top == root
}

// readGitIndex records the mode git will commit for each staged file (`git ls-files -s`).
func (c *checker) readGitIndex() {
	out, err := exec.Command(c.opt.Git, "-C", c.root, "ls-files", "-s", "-z").Output()
	if err != nil {
		return
	}
	c.gitIdx = map[string]string{}
	for _, rec := range strings.Split(string(out), "\x00") {
		// "<mode> <object> <stage>\t<path>"
		meta, p, ok := strings.Cut(rec, "\t")
		if !ok {
			continue
		}
		if f := strings.Fields(meta); len(f) == 3 {
			c.gitIdx[p] = f[0]
		}
	}
}

func (c *checker) exists(rel string) bool {
	for _, f := range c.files {
		if f == rel {
			return true
		}
	}
	return false
}

// checkTree: the Supervisor finds add-ons with the glob **/config.{yaml,yml,json} (skipping
// paths with a component starting with "." or equal to "rootfs") and the build file with
// **/build.{yaml,yml,json} (first hit wins, nothing skipped); the repository needs a
// repository.{yaml,yml,json} at its root.
func (c *checker) checkTree() {
	var configs []string
	for _, f := range c.files {
		dir, base := path.Split(f)
		if isNamed(base, "config") && !skippedByStore(dir) {
			configs = append(configs, f)
		}
		if isNamed(base, "build") && dir != "" {
			c.add(RuleTreeBuildDuplicate, Error, f, 0, "",
				"the Supervisor looks for the build file with the recursive glob **/build.{yaml,yml,json} and takes the first hit, so this file can replace the root build.yaml; rename or remove it")
		}
	}
	rootConfigs := 0
	for _, f := range configs {
		if !strings.Contains(f, "/") {
			rootConfigs++
			if rootConfigs > 1 {
				c.add(RuleTreeConfigDuplicate, Error, f, 0, "", "a second add-on manifest at the root; keep only config.yaml")
			}
			continue
		}
		c.add(RuleTreeConfigDuplicate, Error, f, 0, "",
			"the Supervisor reads every **/config.{yaml,yml,json} outside rootfs/ and dot-dirs as an add-on manifest, so this file would show up as a second (broken) add-on; rename it")
	}
	rootBuilds := 0
	for _, f := range c.files {
		if !strings.Contains(f, "/") && isNamed(f, "build") {
			rootBuilds++
			if rootBuilds > 1 {
				c.add(RuleTreeBuildDuplicate, Error, f, 0, "", "more than one build file at the root; keep only build.yaml")
			}
		}
	}
	c.checkRepository()
}

func isNamed(base, stem string) bool {
	for _, ext := range []string{".yaml", ".yml", ".json"} {
		if base == stem+ext {
			return true
		}
	}
	return false
}

func skippedByStore(dir string) bool {
	for _, part := range strings.Split(strings.Trim(dir, "/"), "/") {
		if part == "rootfs" || strings.HasPrefix(part, ".") {
			return true
		}
	}
	return false
}

func (c *checker) checkRepository() {
	var found []string
	for _, f := range c.files {
		if isNamed(f, "repository") {
			found = append(found, f)
		}
	}
	if len(found) == 0 {
		c.add(RuleRepository, Error, "repository.yaml", 0, "",
			"missing: without repository.{yaml,yml,json} at the root Home Assistant refuses the repository (\"is not a valid app repository\")")
		return
	}
	if len(found) > 1 {
		c.add(RuleRepository, Warning, found[1], 0, "", "more than one repository file; the Supervisor reads only one of %v", found)
	}
	f := found[0]
	v, dups, err := loadYAML(c.path(f)) // JSON is YAML
	if err != nil {
		c.add(RuleRepository, Error, f, 0, "", "cannot be parsed: %v", err)
		return
	}
	c.reportDups(f, dups)
	if v.kind != kMap {
		c.add(RuleRepository, Error, f, v.line, "", "must be a mapping with name, url and maintainer")
		return
	}
	name := v.get("name")
	if name == nil || name.kind != kStr || name.raw == "" {
		c.add(RuleRepository, Error, f, v.line, "name", "required string")
	}
	if u := v.get("url"); u != nil && !validURL(u) {
		c.add(RuleRepository, Error, f, u.line, "url", "must be a URL with scheme and host, got %s", u.describe())
	}
	if m := v.get("maintainer"); m != nil && m.kind != kStr {
		c.add(RuleRepository, Error, f, m.line, "maintainer", "must be a string, got %s", m.describe())
	}
}

func (c *checker) reportDups(file string, dups []dupKey) {
	for _, d := range dups {
		c.add(RuleYAMLDuplicateKey, Error, file, d.line, d.key,
			"defined twice; the Supervisor's YAML loader silently keeps the last value")
	}
}

// checkPresentation: what the add-on store shows (reference §1.8).
func (c *checker) checkPresentation() {
	checkPNG := func(rule, file string, square bool) {
		data, err := os.ReadFile(c.path(file))
		if err != nil || !c.exists(file) {
			c.add(rule, Error, file, 0, "", "missing; the add-on store shows it")
			return
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			c.add(rule, Error, file, 0, "", "not a PNG image: %v", err)
			return
		}
		if _, err := png.Decode(bytes.NewReader(data)); err != nil {
			c.add(rule, Error, file, 0, "", "PNG does not decode: %v", err)
			return
		}
		if cfg.Width < 64 || cfg.Height < 64 {
			c.add(rule, Error, file, 0, "", "%dx%d is too small to be shown", cfg.Width, cfg.Height)
		}
		if square && cfg.Width != cfg.Height {
			c.add(rule, Error, file, 0, "", "%dx%d is not square (128x128 recommended)", cfg.Width, cfg.Height)
		}
	}
	checkPNG(RulePresentationIcon, "icon.png", true)
	checkPNG(RulePresentationLogo, "logo.png", false)
	data, err := os.ReadFile(c.path("DOCS.md"))
	if err != nil || !c.exists("DOCS.md") {
		c.add(RulePresentationDocs, Error, "DOCS.md", 0, "", "missing; it is the add-on's Documentation tab")
	} else if len(bytes.TrimSpace(data)) < 200 {
		c.add(RulePresentationDocs, Error, "DOCS.md", 0, "", "nearly empty (%d bytes); document every option", len(bytes.TrimSpace(data)))
	}
}
