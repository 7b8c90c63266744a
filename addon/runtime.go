package addon

import (
	"bufio"
	"os"
	"regexp"
	"strings"
)

// Rules for what the real Supervisor and s6-overlay do with the add-on at runtime and
// at release (issue 14): build.yaml is deprecated, S6_SERVICES_GRACETIME does nothing for
// s6-rc services, the image is built by a workflow and named in config.yaml only once
// published.

// checkBuildDeprecated: Supervisor 2026.04 logs "uses build.yaml which is deprecated"
// and newer builders ignore it; the Dockerfile carries the base image and labels.
func (c *checker) checkBuildDeprecated() {
	for _, f := range []string{"build.yaml", "build.yml", "build.json"} {
		if c.exists(f) {
			c.add(RuleBuildDeprecated, Warning, f, 0, "", "deprecated since Supervisor 2026.04: move build_from into the Dockerfile's ARG BUILD_FROM default and the labels into LABEL")
		}
	}
}

// checkGracetime: S6_SERVICES_GRACETIME only applies to legacy services.d; s6-rc
// longruns are stopped within the Supervisor's stop timeout (config.yaml timeout).
func (c *checker) checkGracetime() {
	df := c.loadDockerfile()
	if df == nil {
		return
	}
	for _, st := range df.stages {
		for _, in := range st.body {
			if in.cmd == "ENV" && strings.Contains(in.args, "S6_SERVICES_GRACETIME") {
				c.add(RuleDockerfileGracetime, Error, "Dockerfile", in.line, "S6_SERVICES_GRACETIME",
					"does nothing for s6-rc services (only legacy services.d); the stop limit is config.yaml's timeout")
			}
		}
	}
}

// workflowFile is the CI workflow that builds and publishes the image.
const workflowFile = ".github/workflows/builder.yaml"

var reWorkflowImage = regexp.MustCompile(`(?m)^\s*REGISTRY_PREFIX:\s*(\S+)\s*\n\s*IMAGE_NAME:\s*(\S+)\s*$`)

// workflowImage returns the image the workflow publishes, "" when it is unreadable.
func (c *checker) workflowImage() string {
	data, err := os.ReadFile(c.path(workflowFile))
	if err != nil {
		return ""
	}
	if m := reWorkflowImage.FindStringSubmatch(string(data)); m != nil {
		return m[1] + "/" + m[2]
	}
	return ""
}

// checkWorkflow: the add-on's image is built by Home Assistant's builder actions for
// every architecture of config.yaml and pushed only from a release.
func (c *checker) checkWorkflow() {
	data, err := os.ReadFile(c.path(workflowFile))
	if err != nil {
		c.add(RuleWorkflow, Error, workflowFile, 0, "", "missing: without a workflow that publishes images, every install compiles Go on the user's device")
		return
	}
	text := string(data)
	for _, action := range []string{"home-assistant/builder/actions/build-image@", "home-assistant/builder/actions/publish-multi-arch-manifest@"} {
		if !strings.Contains(text, action) {
			c.add(RuleWorkflow, Error, workflowFile, 0, "", "does not use %s (Home Assistant's builder)", strings.TrimSuffix(action, "@"))
		}
	}
	if c.workflowImage() == "" {
		c.add(RuleWorkflow, Error, workflowFile, 0, "env", "must name the published image in env REGISTRY_PREFIX and IMAGE_NAME")
	}
	if !strings.Contains(text, "config.yaml") {
		c.add(RuleWorkflow, Error, workflowFile, 0, "", "must read the version and architectures from config.yaml")
	}
}

// publishedFile lists the images a release run has published, one <image>:<version> a
// line; the release step (README.md) appends to it before config.yaml gets `image:`.
const publishedFile = ".ci/published-images"

func (c *checker) published() map[string]bool {
	out := map[string]bool{}
	f, err := os.Open(c.path(publishedFile))
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			out[line] = true
		}
	}
	return out
}

// checkSegueImage: with `image:` set the Supervisor pulls <image>:<version> instead of
// building; if that tag was never published every install fails, and a local build of
// the folder stops working.
func (c *checker) checkSegueImage(f string, cfg *value) {
	img := cfg.get("image")
	if img == nil {
		return
	}
	version := cfg.get("version").str()
	ref := img.str() + ":" + version
	if !c.published()[ref] {
		c.add(RuleSegueImage, Error, f, img.line, "image", "%s is not listed in %s: set image only after the release workflow published it (README.md, Releasing)", ref, publishedFile)
	}
	if w := c.workflowImage(); w != "" && img.str() != w {
		c.add(RuleSegueImage, Error, f, img.line, "image", "%q is not the image the workflow publishes (%s)", img.str(), w)
	}
}

// checkSegueMap: the music folders (config.yaml music_dirs defaults /media and
// /share/music) must be mapped, read-only: Segue never writes into music.
func (c *checker) checkSegueMap(f string, cfg *value) {
	mode := map[string]string{}
	line := map[string]int{}
	if m := cfg.get("map"); m != nil && m.kind == kList {
		for _, e := range m.list {
			switch e.kind {
			case kStr:
				typ, ro, _ := strings.Cut(e.raw, ":")
				if ro == "" {
					ro = "ro"
				}
				mode[typ], line[typ] = ro, e.line
			case kMap:
				ro := "ro"
				if r := e.get("read_only"); r != nil && r.kind == kBool && !r.b {
					ro = "rw"
				}
				mode[e.get("type").str()], line[e.get("type").str()] = ro, e.line
			}
		}
	}
	for _, typ := range []string{"media", "share"} {
		switch mode[typ] {
		case "":
			c.add(RuleSegueMap, Error, f, cfg.line, "map", "%s is not mapped: the default music folders live there", typ)
		case "ro":
		default:
			c.add(RuleSegueMap, Error, f, line[typ], "map", "%s must be read-only (%s:ro): Segue never writes into music folders", typ, typ)
		}
	}
}

// checkSegueImageContents: the Dockerfile installs ffmpeg in the final stage (stream
// transcoding) and builds the server with the sqlite_fts5 tag and the build's version.
func (c *checker) checkSegueImageContents() {
	df := c.loadDockerfile()
	if df == nil || len(df.stages) == 0 {
		return
	}
	final := df.stages[len(df.stages)-1]
	ffmpeg := false
	for _, in := range final.body {
		if in.cmd == "RUN" && strings.Contains(in.args, "apk add") && contains(in.word, "ffmpeg") {
			ffmpeg = true
		}
	}
	if !ffmpeg {
		c.add(RuleSegueFFmpeg, Error, "Dockerfile", final.from.line, "RUN", "the final stage must `apk add --no-cache ffmpeg`: Subsonic format/maxBitRate transcode through it")
	}
	build := false
	for _, st := range df.stages[:len(df.stages)-1] {
		for _, in := range st.body {
			if in.cmd != "RUN" || !strings.Contains(in.args, "go build") {
				continue
			}
			build = true
			if !regexp.MustCompile(`-tags[ =]"?[^"]*\bsqlite_fts5\b`).MatchString(in.args) {
				c.add(RuleSegueBuild, Error, "Dockerfile", in.line, "go build", "must build with -tags sqlite_fts5 (the library's full-text search)")
			}
			if !strings.Contains(in.args, "-X segue/internal/app.Version=${BUILD_VERSION}") {
				c.add(RuleSegueBuild, Error, "Dockerfile", in.line, "go build", "must set -X segue/internal/app.Version=${BUILD_VERSION}: the version comes from the build, not a literal")
			}
		}
	}
	if !build {
		c.add(RuleSegueBuild, Error, "Dockerfile", 0, "go build", "no build stage runs go build")
	}
}

// checkSegueUserBundles: Segue ships both user bundles' type files, as the official
// s6-overlay examples do.
func (c *checker) checkSegueUserBundles() {
	for _, b := range []string{"user", "user2"} {
		if !c.exists(s6Dir + b + "/type") {
			c.add(RuleSegueUserBundles, Error, s6Dir+b+"/type", 0, "", "missing: ship %s/type (bundle) so the tree compiles on every s6-overlay 3.2.x", b)
		}
	}
}
