package addon

import (
	"bytes"
	"image"
	"image/png"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// repoRoot is the add-on folder: the repository root, one level above this module.
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "config.yaml")); err != nil {
		t.Fatalf("expected the add-on folder at %s: %v", root, err)
	}
	return root
}

func gitPath() string {
	p, _ := exec.LookPath("git")
	return p
}

func TestRepositoryPasses(t *testing.T) {
	rep, err := Check(repoRoot(t), Options{Git: gitPath(), Segue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) > 0 {
		t.Fatalf("the add-on packaging breaks %d rule(s):\n%s", len(rep.Findings), rep)
	}
}

func TestShellcheckPasses(t *testing.T) {
	sc := requireTool(t, "shellcheck")
	rep, err := Check(repoRoot(t), Options{Git: gitPath(), Shellcheck: sc, Segue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) > 0 {
		t.Fatalf("findings with shellcheck on:\n%s", rep)
	}
	// The scripts really were looked at.
	c := &checker{root: repoRoot(t), rep: &Report{}}
	if err := c.listFiles(); err != nil {
		t.Fatal(err)
	}
	scripts := c.shellScripts()
	for _, want := range []string{s6Dir + "segue/run", s6Dir + "segue/finish"} {
		if scripts[want] != "bash" {
			t.Errorf("%s not checked as a bash script (got %q)", want, scripts[want])
		}
	}
}

// packagingFiles are copied into each broken copy: everything the Supervisor reads.
func packagingFiles() []string {
	return []string{"config.yaml", "Dockerfile", "repository.yaml", "DOCS.md",
		"icon.png", "logo.png", "translations", "rootfs", ".github", ".ci"}
}

// copyRepo copies the packaging into a temp dir, keeping file modes.
func copyRepo(t *testing.T) string {
	t.Helper()
	src := repoRoot(t)
	dst := t.TempDir()
	for _, name := range packagingFiles() {
		err := filepath.WalkDir(filepath.Join(src, name), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			target := filepath.Join(dst, rel)
			info, err := d.Info()
			if err != nil {
				return err
			}
			if d.IsDir() {
				return os.MkdirAll(target, 0o755)
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(target, data, info.Mode().Perm()); err != nil {
				return err
			}
			return os.Chmod(target, info.Mode().Perm())
		})
		if err != nil {
			t.Fatalf("copy %s: %v", name, err)
		}
	}
	return dst
}

// replace edits a file of the copy and fails if old is not there, so a case can never
// silently stop breaking anything.
func replace(old, new string, file string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		t.Helper()
		p := filepath.Join(dir, file)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte(old)) {
			t.Fatalf("%s does not contain %q; update the case", file, old)
		}
		st, _ := os.Stat(p)
		if err := os.WriteFile(p, bytes.Replace(data, []byte(old), []byte(new), 1), st.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
}

func write(file, content string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		t.Helper()
		p := filepath.Join(dir, file)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func remove(file string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		t.Helper()
		if err := os.RemoveAll(filepath.Join(dir, file)); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, file)); err == nil {
			t.Fatalf("%s still there", file)
		}
	}
}

func chmod(file string, mode os.FileMode) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		t.Helper()
		if err := os.Chmod(filepath.Join(dir, file), mode); err != nil {
			t.Fatal(err)
		}
	}
}

func appendTo(file, text string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		t.Helper()
		p := filepath.Join(dir, file)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, append(data, []byte(text)...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func pngOf(w, h int) string {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		panic(err)
	}
	return buf.String()
}

// gitCommitWithoutExecBit makes the copy a git repository in which run is staged with mode
// 100644 although the file on disk is executable: what happens when a script is committed
// from a filesystem without modes.
func gitCommitWithoutExecBit(t *testing.T, dir string) {
	t.Helper()
	git := requireTool(t, "git")
	for _, args := range [][]string{
		{"init", "-q"},
		{"add", "-A"},
		{"update-index", "--chmod=-x", s6Dir + "segue/run"},
	} {
		cmd := exec.Command(git, append([]string{"-C", dir}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	if st, err := os.Stat(filepath.Join(dir, s6Dir+"segue/run")); err != nil || st.Mode().Perm()&0o111 == 0 {
		t.Fatalf("run should still be executable on disk")
	}
}

// legacyBuildYAML is the build.yaml Segue had before the Dockerfile took its values.
const legacyBuildYAML = `build_from:
  aarch64: ghcr.io/home-assistant/aarch64-base:3.24-2026.06.1
  amd64: ghcr.io/home-assistant/amd64-base:3.24-2026.06.1
labels:
  org.opencontainers.image.title: Segue
`

const (
	runFile    = s6Dir + "segue/run"
	finishFile = s6Dir + "segue/finish"
)

type brokenCase struct {
	name   string
	rule   string
	break_ func(t *testing.T, dir string)
	needs  string // external tool the case needs ("git", "shellcheck")
}

func brokenCases() []brokenCase {
	return []brokenCase{
		{name: "duplicate key in config.yaml", rule: RuleYAMLDuplicateKey, break_: appendTo("config.yaml", "ingress: false\n")},
		{name: "duplicate key in translations", rule: RuleYAMLDuplicateKey, break_: appendTo("translations/en.yaml", "network:\n  8095/tcp: again\n")},

		{name: "second config.json in a subfolder", rule: RuleTreeConfigDuplicate, break_: write("src/internal/web/config.json", "{}\n")},
		{name: "config.yml in a testdata folder", rule: RuleTreeConfigDuplicate, break_: write("addon/testdata/config.yml", "name: x\n")},
		{name: "second manifest at the root", rule: RuleTreeConfigDuplicate, break_: write("config.json", "{}\n")},
		{name: "build.yaml in .github", rule: RuleTreeBuildDuplicate, break_: write(".github/workflows/build.yaml", "on: push\n")},
		{name: "build.json under rootfs", rule: RuleTreeBuildDuplicate, break_: write("rootfs/etc/build.json", "{}\n")},
		{name: "no repository.yaml", rule: RuleRepository, break_: remove("repository.yaml")},
		{name: "repository.yaml without name", rule: RuleRepository, break_: replace("name: Segue\n", "", "repository.yaml")},

		{name: "no config.yaml", rule: RuleConfigMissing, break_: remove("config.yaml")},
		{name: "config.yaml is a list", rule: RuleConfigParse, break_: write("config.yaml", "- name: Segue\n")},
		{name: "config.yaml is not YAML", rule: RuleConfigParse, break_: write("config.yaml", "name: [Segue\n")},
		{name: "slug missing", rule: RuleConfigRequired, break_: replace("slug: segue\n", "", "config.yaml")},
		{name: "empty arch", rule: RuleConfigRequired, break_: replace("arch:\n  - aarch64\n  - amd64\n", "arch: []\n", "config.yaml")},
		{name: "ingress_port as a string", rule: RuleConfigType, break_: replace("ingress_port: 0", `ingress_port: "0"`, "config.yaml")},
		{name: "host_network as a string", rule: RuleConfigType, break_: replace("host_network: true", `host_network: "true"`, "config.yaml")},
		{name: "ports keyed by a number", rule: RuleConfigType, break_: replace("ports:\n  8095/tcp: 8095", "ports:\n  8095: 8095", "config.yaml")},
		{name: "unknown arch", rule: RuleConfigEnum, break_: replace("  - amd64\n", "  - amd64\n  - riscv64\n", "config.yaml")},
		{name: "unknown stage", rule: RuleConfigEnum, break_: replace("stage: stable", "stage: beta", "config.yaml")},
		{name: "unknown capability", rule: RuleConfigEnum, break_: appendTo("config.yaml", "privileged:\n  - SYS_BOOT\n")},
		{name: "slug with a space", rule: RuleConfigPattern, break_: replace("slug: segue", "slug: segue music", "config.yaml")},
		{name: "watchdog without [HOST]", rule: RuleConfigPattern, break_: replace("watchdog: http://[HOST]:[PORT:8095]/healthz", "watchdog: http://localhost:8095/healthz", "config.yaml")},
		{name: "port key with upper-case protocol", rule: RuleConfigPattern, break_: replace("ports:\n  8095/tcp: 8095", "ports:\n  8095/TCP: 8095", "config.yaml")},
		{name: "image with a tag", rule: RuleConfigPattern, break_: appendTo("config.yaml", "image: ghcr.io/segue/segue:1.0\n")},
		{name: "timeout below 10", rule: RuleConfigRange, break_: replace("timeout: 20", "timeout: 5", "config.yaml")},
		{name: "host port above 65535", rule: RuleConfigRange, break_: replace("8095/tcp: 8095\nports_description", "8095/tcp: 80950\nports_description", "config.yaml")},
		{name: "url without scheme", rule: RuleConfigURL, break_: replace("url: https://github.com/segue-music/segue", "url: github.com/segue-music/segue", "config.yaml")},
		{name: "version unquoted", rule: RuleConfigVersion, break_: replace(`version: "0.1.0"`, "version: 0.10", "config.yaml")},
		{name: "typo in a key", rule: RuleConfigUnknownKey, break_: replace("ingress: true", "ingres: true", "config.yaml")},
		{name: "deprecated startup value", rule: RuleConfigDeprecated, break_: replace("startup: application", "startup: before", "config.yaml")},
		{name: "deprecated snapshot key", rule: RuleConfigDeprecated, break_: appendTo("config.yaml", "snapshot_exclude:\n  - x\n")},
		{name: "invalid map entry", rule: RuleConfigMap, break_: appendTo("config.yaml", "map:\n  - music:rw\n")},
		{name: "dynamic ingress port with a port in its range", rule: RuleConfigIngressDynamic,
			break_: replace("ports:\n  8095/tcp: 8095\n", "ports:\n  8095/tcp: 8095\n  62500/tcp: null\n", "config.yaml")},
		{name: "ingress port published", rule: RuleConfigIngressPublished, break_: func(t *testing.T, dir string) {
			replace("ingress_port: 0", "ingress_port: 8094", "config.yaml")(t, dir)
			replace("ports:\n  8095/tcp: 8095\n", "ports:\n  8095/tcp: 8095\n  8094/tcp: 8094\n", "config.yaml")(t, dir)
		}},
		{name: "watchdog on an unknown port", rule: RuleConfigWatchdogPort, break_: replace("[PORT:8095]/healthz", "[PORT:9000]/healthz", "config.yaml")},
		{name: "description of an unlisted port", rule: RuleConfigPortsDescription, break_: replace("ports_description:\n", "ports_description:\n  9999/udp: nothing\n", "config.yaml")},
		{name: "init true with s6-overlay", rule: RuleConfigInit, break_: replace("init: false", "init: true", "config.yaml")},
		{name: "absolute backup_exclude", rule: RuleConfigBackupExclude, break_: replace("  - segue.db*", "  - /data/segue.db*", "config.yaml")},

		{name: "unknown schema type", rule: RuleSchemaElement, break_: replace("signaling_url: url?", "signaling_url: uri?", "config.yaml")},
		{name: "str with one bound and no comma", rule: RuleSchemaElement, break_: replace("ice_servers:\n    - str?", "ice_servers:\n    - str(5)?", "config.yaml")},
		{name: "empty schema element", rule: RuleSchemaElement, break_: replace("external_url: url?", `external_url: "?"`, "config.yaml")},
		{name: "schema element is a number", rule: RuleSchemaElement, break_: replace("long_lived_token_days: int(1,3650)", "long_lived_token_days: 365", "config.yaml")},
		{name: "list schema with two types", rule: RuleSchemaStructure, break_: replace("ice_servers:\n    - str?", "ice_servers:\n    - str?\n    - int", "config.yaml")},
		{name: "list directly in a list", rule: RuleSchemaStructure, break_: replace("ice_servers:\n    - str?", "ice_servers:\n    - - str?", "config.yaml")},
		{name: "min above max", rule: RuleSchemaBounds, break_: replace("int(1,3650)", "int(3650,1)", "config.yaml")},
		{name: "option without schema", rule: RuleOptionsNotInSchema, break_: replace("options:\n", "options:\n  debug: true\n", "config.yaml")},
		{name: "default not in the list", rule: RuleOptionsInvalidDefault, break_: replace("log_level: info", "log_level: verbose", "config.yaml")},
		{name: "unquoted on read as a boolean", rule: RuleOptionsInvalidDefault, break_: replace("remote_access: auto", "remote_access: on", "config.yaml")},
		{name: "default out of range", rule: RuleOptionsInvalidDefault, break_: replace("long_lived_token_days: 365", "long_lived_token_days: 0", "config.yaml")},
		{name: "bool default given as a string", rule: RuleOptionsInvalidDefault, break_: replace("allow_self_registration: true\n  music_dirs", "allow_self_registration: \"yes\"\n  music_dirs", "config.yaml")},
		{name: "required option without default", rule: RuleOptionsMissingDefault, break_: replace("  allow_self_registration: true\n  music_dirs", "  music_dirs", "config.yaml")},
		{name: "null default", rule: RuleOptionsMissingDefault, break_: replace("options:\n", "options:\n  external_url: null\n", "config.yaml")},

		{name: "no English translation", rule: RuleTranslationsFile, break_: func(t *testing.T, dir string) {
			if err := os.Rename(filepath.Join(dir, "translations/en.yaml"), filepath.Join(dir, "translations/english.txt")); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "translations not YAML", rule: RuleTranslationsParse, break_: write("translations/en.yaml", "configuration: [\n")},
		{name: "unknown top-level translation key", rule: RuleTranslationsUnknownKey, break_: appendTo("translations/en.yaml", "title: Segue\n")},
		{name: "translation without name", rule: RuleTranslationsName, break_: replace("    name: Log level\n", "", "translations/en.yaml")},
		{name: "translation for a missing option", rule: RuleTranslationsUnknownOpt, break_: replace("configuration:\n", "configuration:\n  music_dir:\n    name: Music folder\n", "translations/en.yaml")},
		{name: "option without translation", rule: RuleTranslationsMissingOpt, break_: replace("  log_level:\n    name: Log level\n", "  log_level_old:\n    name: Log level\n", "translations/en.yaml")},
		{name: "translation for the ingress port", rule: RuleTranslationsUnknownPort, break_: replace("network:\n", "network:\n  8094/tcp: Ingress\n", "translations/en.yaml")},
		{name: "port without translation", rule: RuleTranslationsMissingPort, break_: replace("network:\n", "networks:\n", "translations/en.yaml")},

		{name: "build.yaml is a list", rule: RuleBuildParse, break_: write("build.yaml", "- amd64\n")},
		{name: "build_from without org", rule: RuleBuildFrom, break_: write("build.yaml", strings.Replace(legacyBuildYAML, "amd64: ghcr.io/home-assistant/amd64-base:3.24-2026.06.1", "amd64: alpine:3.24", 1))},
		{name: "build_from missing an arch", rule: RuleBuildArch, break_: write("build.yaml", strings.Replace(legacyBuildYAML, "  aarch64: ghcr.io/home-assistant/aarch64-base:3.24-2026.06.1\n", "", 1))},
		{name: "build arg as a number", rule: RuleBuildType, break_: write("build.yaml", legacyBuildYAML+"args:\n  GO_VERSION: 1.26\n")},
		{name: "unknown build key", rule: RuleBuildUnknownKey, break_: write("build.yaml", legacyBuildYAML+"build_args:\n  A: b\n")},
		{name: "a build.yaml at all", rule: RuleBuildDeprecated, break_: write("build.yaml", legacyBuildYAML)},
		{name: "S6_SERVICES_GRACETIME set", rule: RuleDockerfileGracetime, break_: appendTo("Dockerfile", "ENV S6_SERVICES_GRACETIME=10000\n")},
		{name: "no builder workflow", rule: RuleWorkflow, break_: remove(".github/workflows/builder.yaml")},
		{name: "workflow without the builder actions", rule: RuleWorkflow, break_: replace("home-assistant/builder/actions/build-image@", "docker/build-push-action@", ".github/workflows/builder.yaml")},

		{name: "no Dockerfile", rule: RuleDockerfileMissing, break_: remove("Dockerfile")},
		{name: "missing ARG BUILD_FROM", rule: RuleDockerfileArg, break_: replace("ARG BUILD_FROM=ghcr.io/home-assistant/base:3.24\n", "", "Dockerfile")},
		{name: "ARG BUILD_FROM without default", rule: RuleDockerfileArg, break_: replace("ARG BUILD_FROM=ghcr.io/home-assistant/base:3.24\n", "ARG BUILD_FROM\n", "Dockerfile")},
		{name: "ARG BUILD_FROM after FROM", rule: RuleDockerfileArg, break_: func(t *testing.T, dir string) {
			replace("ARG BUILD_FROM=ghcr.io/home-assistant/base:3.24\n", "", "Dockerfile")(t, dir)
			replace("FROM ${BUILD_FROM}\n", "FROM ${BUILD_FROM}\nARG BUILD_FROM=ghcr.io/home-assistant/base:3.24\n", "Dockerfile")(t, dir)
		}},
		{name: "unpinned base", rule: RuleDockerfileUnpinned, break_: replace("base:3.24\n", "base:latest\n", "Dockerfile")},
		{name: "final stage not on BUILD_FROM", rule: RuleDockerfileFrom, break_: replace("FROM ${BUILD_FROM}\n", "FROM alpine:3.24\n", "Dockerfile")},
		{name: "io.hass.arch label missing", rule: RuleDockerfileLabels, break_: replace(`    io.hass.arch="${BUILD_ARCH}" \`+"\n", "", "Dockerfile")},
		{name: "bad io.hass.type", rule: RuleDockerfileLabels, break_: replace(`io.hass.type="addon"`, `io.hass.type="application"`, "Dockerfile")},
		{name: "rootfs not copied", rule: RuleDockerfileCopyRootfs, break_: replace("COPY rootfs /\n", "", "Dockerfile")},
		{name: "per-arch Dockerfile", rule: RuleDockerfilePerArch, break_: write("Dockerfile.aarch64", "FROM scratch\n")},

		{name: "bad service type", rule: RuleS6Type, break_: write(s6Dir+"segue/type", "longrunn\n")},
		{name: "no service type", rule: RuleS6Type, break_: remove(s6Dir + "segue/type")},
		{name: "longrun without run", rule: RuleS6Run, break_: remove(runFile)},
		{name: "run without the executable bit", rule: RuleS6ExecBit, break_: chmod(runFile, 0o644)},
		{name: "finish without the executable bit", rule: RuleS6ExecBit, break_: chmod(finishFile, 0o644)},
		{name: "run committed without the executable bit", rule: RuleS6ExecBitGit, break_: gitCommitWithoutExecBit, needs: "git"},
		{name: "unknown dependency", rule: RuleS6Dependency, break_: func(t *testing.T, dir string) {
			remove(s6Dir+"segue/dependencies.d/base")(t, dir)
			write(s6Dir+"segue/dependencies.d/init-segue", "")(t, dir)
		}},
		{name: "no dependencies", rule: RuleS6Dependency, break_: remove(s6Dir + "segue/dependencies.d")},
		{name: "not in the user bundle", rule: RuleS6Bundle, break_: remove(s6Dir + "user/contents.d/segue")},
		{name: "user bundle names a missing service", rule: RuleS6Bundle, break_: write(s6Dir+"user/contents.d/segue-web", "")},
		{name: "s6-overlay v2 with-contenv", rule: RuleS6Shebang, break_: replace("#!/command/with-contenv bashio", "#!/usr/bin/with-contenv bashio", runFile)},
		{name: "CRLF line endings", rule: RuleS6Shebang, break_: func(t *testing.T, dir string) {
			p := filepath.Join(dir, finishFile)
			data, _ := os.ReadFile(p)
			if err := os.WriteFile(p, bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n")), 0o755); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "run without the container environment", rule: RuleS6Contenv, break_: replace("#!/command/with-contenv bashio", "#!/usr/bin/env bashio", runFile)},
		{name: "run does not exec", rule: RuleS6RunExec, break_: replace("exec /usr/bin/segue serve", "/usr/bin/segue serve", runFile)},
		{name: "finish does not halt", rule: RuleS6Finish, break_: replace("exec /run/s6/basedir/bin/halt", "exit 1", finishFile)},
		{name: "finish does not record the exit code", rule: RuleS6Finish, break_: replace(`echo "${new_code}" >"${exit_code_file}"`, `echo "${new_code}"`, finishFile)},
		{name: "no finish", rule: RuleS6Finish, break_: remove(finishFile)},
		{name: "shellcheck finding", rule: RuleShellcheck, needs: "shellcheck", break_: replace("exec /usr/bin/segue serve", "exec /usr/bin/segue serve $SEGUE_ARGS", runFile)},

		{name: "icon not square", rule: RulePresentationIcon, break_: write("icon.png", pngOf(128, 100))},
		{name: "icon not a PNG", rule: RulePresentationIcon, break_: write("icon.png", "GIF89a")},
		{name: "no logo", rule: RulePresentationLogo, break_: remove("logo.png")},
		{name: "empty DOCS.md", rule: RulePresentationDocs, break_: write("DOCS.md", "# Segue\n")},

		{name: "fixed ingress port", rule: RuleSegueManifest, break_: replace("ingress_port: 0", "ingress_port: 8094", "config.yaml")},
		{name: "no backup_pre", rule: RuleSegueManifest, break_: replace("backup_pre: /usr/bin/segue backup pre\n", "", "config.yaml")},
		{name: "bridge network", rule: RuleSegueManifest, break_: replace("host_network: true", "host_network: false", "config.yaml")},
		{name: "backup archives the live database", rule: RuleSegueManifest, break_: replace("  - segue.db*", "  - segue.db-shm", "config.yaml")},
		{name: "backup drops the snapshot", rule: RuleSegueManifest, break_: replace("  - segue.db*", "  - segue.db*\n  - \"*.sqlite\"", "config.yaml")},
		{name: "experimental stage", rule: RuleSegueStage, break_: replace("stage: stable", "stage: experimental", "config.yaml")},
		{name: "image before it is published", rule: RuleSegueImage, break_: appendTo("config.yaml", "image: ghcr.io/segue-music/segue\n")},
		{name: "image other than the workflow's", rule: RuleSegueImage, break_: func(t *testing.T, dir string) {
			appendTo("config.yaml", "image: ghcr.io/someone/segue\n")(t, dir)
			write(".ci/published-images", "ghcr.io/someone/segue:0.1.0\n")(t, dir)
		}},
		{name: "media writable", rule: RuleSegueMap, break_: replace("  - media:ro", "  - media:rw", "config.yaml")},
		{name: "share not mapped", rule: RuleSegueMap, break_: replace("  - share:ro\n", "", "config.yaml")},
		{name: "no ffmpeg", rule: RuleSegueFFmpeg, break_: replace("RUN apk add --no-cache ffmpeg\n", "", "Dockerfile")},
		{name: "build without sqlite_fts5", rule: RuleSegueBuild, break_: replace("sqlite_fts5 sqlite_omit_load_extension", "sqlite_omit_load_extension", "Dockerfile")},
		{name: "version as a literal", rule: RuleSegueBuild, break_: replace("app.Version=${BUILD_VERSION}", "app.Version=0.1.0", "Dockerfile")},
		{name: "user bundle without type", rule: RuleS6UserBundleType, break_: remove(s6Dir + "user/type")},
		{name: "user bundle typed longrun", rule: RuleS6UserBundleType, break_: write(s6Dir+"user/type", "longrun\n")},
		{name: "no user2 bundle", rule: RuleSegueUserBundles, break_: remove(s6Dir + "user2")},
		{name: "option renamed", rule: RuleSegueOptions, break_: func(t *testing.T, dir string) {
			replace("  external_url: url?", "  public_url: url?", "config.yaml")(t, dir)
			replace("  external_url:\n", "  public_url:\n", "translations/en.yaml")(t, dir)
		}},
		{name: "default changed", rule: RuleSegueOptions, break_: replace("long_lived_token_days: 365", "long_lived_token_days: 3650", "config.yaml")},
		{name: "run execs another path", rule: RuleSegueBinary, break_: replace("exec /usr/bin/segue serve", "exec /usr/local/bin/segue serve", runFile)},
		{name: "binary not installed", rule: RuleSegueBinary, break_: replace("COPY --from=build /out/segue /usr/bin/segue", "COPY --from=build /out/segue /usr/local/bin/segue", "Dockerfile")},
	}
}

// TestBrokenCopies: each rule fails on a copy of the real packaging with one thing broken.
func TestBrokenCopies(t *testing.T) {
	t.Run("pristine copy passes", func(t *testing.T) {
		opt := Options{Segue: true}
		if p, err := exec.LookPath("shellcheck"); err == nil {
			opt.Shellcheck = p
		}
		rep, err := Check(copyRepo(t), opt)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Findings) > 0 {
			t.Fatalf("the unbroken copy already has findings:\n%s", rep)
		}
	})
	for _, tc := range brokenCases() {
		t.Run(tc.name, func(t *testing.T) {
			opt := Options{Segue: true}
			switch tc.needs {
			case "git":
				opt.Git = requireTool(t, "git")
			case "shellcheck":
				opt.Shellcheck = requireTool(t, "shellcheck")
			}
			dir := copyRepo(t)
			tc.break_(t, dir)
			rep, err := Check(dir, opt)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Has(tc.rule) {
				t.Fatalf("expected rule %s to fail; got rules %v:\n%s", tc.rule, rep.Rules(), rep)
			}
			for _, f := range rep.Findings {
				if f.Rule == tc.rule && (f.File == "" || f.Message == "") {
					t.Errorf("finding without file or message: %+v", f)
				}
			}
		})
	}
}

func TestEveryRuleHasABrokenCopy(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range brokenCases() {
		covered[tc.rule] = true
	}
	for _, r := range AllRules() {
		if !covered[r] {
			t.Errorf("rule %s has no broken-copy case", r)
		}
		delete(covered, r)
	}
	for r := range covered {
		t.Errorf("case for rule %s, which AllRules does not list", r)
	}
}

// TestThingsTheSupervisorIgnores: files that look like manifests but are not read.
func TestThingsTheSupervisorIgnores(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, dir string)
	}{
		{"config.yaml under rootfs", write("rootfs/etc/segue/config.yaml", "a: b\n")},
		{"config.json in a dot-dir", write(".devcontainer/config.json", "{}\n")},
		{"config in node_modules", write("addon/testdata/js/node_modules/x/config.json", "{}\n")},
		{"builder.yaml", write(".github/workflows/other-builder.yaml", "on: push\n")},
		{"user bundle in the 3.2.3.2 location", func(t *testing.T, dir string) {
			remove(s6Dir+"user/contents.d/segue")(t, dir)
			write(s6UserBundles+"segue", "")(t, dir)
		}},
		{"PyYAML-safe quoted on", replace("remote_access: auto", `remote_access: "on"`, "config.yaml")},
		{"image once published", func(t *testing.T, dir string) {
			appendTo("config.yaml", "image: ghcr.io/segue-music/segue\n")(t, dir)
			write(".ci/published-images", "# release step\nghcr.io/segue-music/segue:0.1.0\n")(t, dir)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyRepo(t)
			tc.setup(t, dir)
			rep, err := Check(dir, Options{Segue: !strings.Contains(tc.name, "quoted")})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Findings) > 0 {
				t.Fatalf("false positive:\n%s", rep)
			}
		})
	}
}

func TestPyYAMLResolution(t *testing.T) {
	cases := []struct {
		text string
		kind kind
		i    int64
		b    bool
	}{
		{"8094", kInt, 8094, false},
		{`"8094"`, kStr, 0, false},
		{"on", kBool, 0, true},
		{"Off", kBool, 0, false},
		{"yes", kBool, 0, true},
		{"y", kStr, 0, false},
		{"0755", kInt, 0o755, false},
		{"0x1F", kInt, 31, false},
		{"1:20", kInt, 80, false},
		{"8095:8095", kStr, 0, false}, // 8095 is not a sexagesimal digit group (max 59)
		{"1_000", kInt, 1000, false},
		{"1.10", kFloat, 0, false},
		{"0.1.0", kStr, 0, false},
		{"1e3", kStr, 0, false},
		{"~", kNull, 0, false},
		{"", kNull, 0, false},
		{"2026-11-28", kTime, 0, false},
		{"8095/tcp", kStr, 0, false},
		{"!!str 12", kStr, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.text, func(t *testing.T) {
			v, _, err := parseYAML([]byte("k: " + tc.text + "\n"))
			if err != nil {
				t.Fatal(err)
			}
			got := v.get("k")
			if got == nil || got.kind != tc.kind {
				t.Fatalf("%q: got %+v, want kind %s", tc.text, got, tc.kind)
			}
			if tc.kind == kInt && got.i != tc.i {
				t.Fatalf("%q: got %d, want %d", tc.text, got.i, tc.i)
			}
			if tc.kind == kBool && got.b != tc.b {
				t.Fatalf("%q: got %v, want %v", tc.text, got.b, tc.b)
			}
		})
	}
}

func TestPureMatch(t *testing.T) {
	const d = "/mnt/data/supervisor/addons/data/local_segue/"
	cases := []struct {
		pattern, path string
		want          bool
	}{
		{"*.db-shm", d + "segue.db-shm", true},
		{"*.db-shm", d + "segue.db", false},
		{"cache/*", d + "cache/a.jpg", true},
		{"cache/*", d + "cache/x/a.jpg", false},
		{"cache/*/*", d + "cache/x/a.jpg", true},
		{"/data/cache/*", d + "cache/a.jpg", false},
		{"segue.db", d + "segue.db", true},
		{"a/b/c/d/e/f/g/h/i", "/x", false},
	}
	for _, tc := range cases {
		if got := pureMatch(tc.pattern, tc.path); got != tc.want {
			t.Errorf("pureMatch(%q, %q) = %v, want %v", tc.pattern, tc.path, got, tc.want)
		}
	}
}

func TestSchemaElementGrammar(t *testing.T) {
	cases := []struct {
		text string
		ok   bool
	}{
		{"bool", true}, {"bool?", true}, {"email", true}, {"url?", true}, {"port", true},
		{"device(subsystem=tty)", true}, {"device(subsystem=TTY)", false},
		{"str", true}, {"str(3,)", true}, {"str(,20)?", true}, {"str(5)", false},
		{"password(8,64)", true}, {"int(-5,5)", true}, {"int(1.5,)", false},
		{"float(-1.5,.5)", true}, {"match(^[a-z]+$)", true}, {"match()", true},
		{"list(a|b|c)?", true}, {"list()", false}, {"string", false}, {"int?(1,2)", false},
		{"", false}, {"?", false},
	}
	for _, tc := range cases {
		_, err := parseElement(tc.text)
		if (err == nil) != tc.ok {
			t.Errorf("parseElement(%q): err = %v, want ok=%v", tc.text, err, tc.ok)
		}
	}
}

// The image workflow passes actionlint (with shellcheck on its run scripts when installed).
func TestWorkflowPassesActionlint(t *testing.T) {
	al := requireTool(t, "actionlint")
	cmd := exec.Command(al, "-no-color", workflowFile)
	cmd.Dir = repoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("actionlint %s: %v\n%s", workflowFile, err, out)
	}
	// A broken copy fails, so the check is real.
	dir := copyRepo(t)
	replace("runs-on: ${{ matrix.os }}", "runs-on: ${{ matrix.oss }}\n    timeout-minutes: soon", workflowFile)(t, dir)
	cmd = exec.Command(al, "-no-color", workflowFile)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Fatalf("actionlint accepted a broken workflow:\n%s", out)
	}
}
