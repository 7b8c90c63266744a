package addon

import "regexp"

// reDockerImageBuild is RE_DOCKER_IMAGE_BUILD (supervisor/apps/validate.py): at least
// org/name, optional tag.
var reDockerImageBuild = regexp.MustCompile(`^([a-zA-Z\-\.:\d{}]+/)*?([\-\w{}]+)/([\-\w{}]+)(:[\.\-\w{}]+)?$`)

// checkBuild: build.yaml grammar (reference §1.5). An invalid file is not fatal for the
// Supervisor, it logs "Error parsing ... build config" and builds with defaults, which is
// exactly the silent misbehaviour the kit exists to catch.
func (c *checker) checkBuild() {
	f := ""
	for _, cand := range []string{"build.yaml", "build.yml", "build.json"} {
		if c.exists(cand) {
			f = cand
			break
		}
	}
	if f == "" {
		return // optional since Supervisor 2026.04; the Dockerfile must then carry its base
	}
	v, dups, err := loadYAML(c.path(f))
	if err != nil {
		c.add(RuleBuildParse, Error, f, 0, "", "cannot be parsed; the Supervisor builds with its defaults instead: %v", err)
		return
	}
	c.reportDups(f, dups)
	if v.kind != kMap {
		c.add(RuleBuildParse, Error, f, v.line, "", "must be a mapping, got %s", v.describe())
		return
	}
	for i, k := range v.keys {
		val := v.vals[i]
		switch k.raw {
		case "build_from":
			c.checkBuildFrom(f, val)
		case "squash":
			c.add(RuleBuildUnknownKey, Warning, f, k.line, "squash", "ignored with a warning (BuildKit has no squash)")
			if val.kind != kBool {
				c.add(RuleBuildType, Error, f, val.line, "squash", "must be a boolean, got %s", val.describe())
			}
		case "args", "labels":
			if val.kind != kMap {
				c.add(RuleBuildType, Error, f, val.line, k.raw, "must be a mapping of strings, got %s", val.describe())
				continue
			}
			for j, ak := range val.keys {
				if ak.kind != kStr || val.vals[j].kind != kStr {
					c.add(RuleBuildType, Error, f, val.vals[j].line, k.raw+"."+ak.raw,
						"keys and values must be strings (got %s); otherwise the whole build config is discarded — quote it", val.vals[j].describe())
				}
			}
		default:
			c.add(RuleBuildUnknownKey, Warning, f, k.line, k.raw, "unknown key, dropped by the Supervisor")
		}
	}
}

func (c *checker) checkBuildFrom(f string, v *value) {
	switch v.kind {
	case kStr:
		if !reDockerImageBuild.MatchString(v.raw) {
			c.add(RuleBuildFrom, Error, f, v.line, "build_from", "%q is not an image reference with at least org/name (%s)", v.raw, reDockerImageBuild)
		}
	case kMap:
		for i, k := range v.keys {
			switch k.raw {
			case "aarch64", "amd64", "armhf", "armv7", "i386":
			default:
				c.add(RuleBuildArch, Error, f, k.line, "build_from."+k.raw, "unknown architecture (aarch64, amd64)")
			}
			img := v.vals[i]
			if img.kind != kStr || !reDockerImageBuild.MatchString(img.raw) {
				c.add(RuleBuildFrom, Error, f, img.line, "build_from."+k.raw, "%s is not an image reference with at least org/name", img.describe())
			}
		}
		if c.config != nil {
			if arch := c.config.get("arch"); arch != nil && arch.kind == kList {
				for _, a := range arch.list {
					if a.kind == kStr && v.get(a.raw) == nil {
						c.add(RuleBuildArch, Error, f, v.line, "build_from", "has no image for %q listed in config.yaml arch; the build fails with \"not supported on %s\"", a.raw, a.raw)
					}
				}
			}
		}
	default:
		c.add(RuleBuildFrom, Error, f, v.line, "build_from", "must be an image or a mapping of arch to image, got %s", v.describe())
	}
}
