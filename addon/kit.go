// Package addon is Segue's packaging conformance kit: it reads the add-on folder (the
// repository root) the way the Home Assistant Supervisor and s6-overlay v3 do and reports
// everything that would make the add-on disappear from the store, fail to build or start,
// or misbehave at runtime. Facts: ../shared/reference/ha-addon.md §1–§3 and §6–§8.
//
// Run it with `cd addon && go test ./...` (scripts/test.sh does, with SEGUE_REQUIRE_ALL=1 so
// that a missing shellcheck or s6 fails instead of skipping).
package addon

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
)

// Severity tells whether the Supervisor rejects/breaks (Error) or accepts with a log
// line or silently ignores something we did not mean (Warning). The repository must have
// neither.
type Severity int

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Finding is one broken rule, located by file (relative to the root), line and key.
type Finding struct {
	Rule     string
	Severity Severity
	File     string
	Line     int
	Key      string
	Message  string
}

func (f Finding) String() string {
	loc := f.File
	if f.Line > 0 {
		loc = fmt.Sprintf("%s:%d", f.File, f.Line)
	}
	if f.Key != "" {
		loc += ": " + f.Key
	}
	return fmt.Sprintf("%s: %s [%s, %s]", loc, f.Message, f.Rule, f.Severity)
}

// Report holds the findings of one Check.
type Report struct {
	Findings []Finding
}

// Has reports whether any finding broke rule.
func (r *Report) Has(rule string) bool {
	for _, f := range r.Findings {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

// Rules lists the distinct rules broken.
func (r *Report) Rules() []string {
	set := map[string]bool{}
	for _, f := range r.Findings {
		set[f.Rule] = true
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (r *Report) String() string {
	lines := make([]string, 0, len(r.Findings))
	for _, f := range r.Findings {
		lines = append(lines, f.String())
	}
	return strings.Join(lines, "\n")
}

// Options tune a Check.
type Options struct {
	// Shellcheck is the path of the shellcheck program; empty skips the shellcheck rule.
	Shellcheck string
	// Git is the path of git; empty skips reading file lists and modes from the index.
	Git string
	// Segue adds the Segue product contract (segue.* rules) to the generic add-on rules.
	Segue bool
}

// checker accumulates findings for one root.
type checker struct {
	root string
	opt  Options
	rep  *Report

	files  []string // every file of the add-on folder, slash-separated, relative to root
	gitIdx map[string]string

	config  *value // config.yaml, nil if unreadable
	cfgFile string
}

func (c *checker) add(rule string, sev Severity, file string, line int, key, format string, args ...any) {
	c.rep.Findings = append(c.rep.Findings, Finding{
		Rule: rule, Severity: sev, File: file, Line: line, Key: key,
		Message: fmt.Sprintf(format, args...),
	})
}

func (c *checker) path(rel string) string { return filepath.Join(c.root, filepath.FromSlash(rel)) }

// Check runs every rule against the add-on folder root.
func Check(root string, opt Options) (*Report, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	c := &checker{root: abs, opt: opt, rep: &Report{}}
	if err := c.listFiles(); err != nil {
		return nil, err
	}
	c.checkTree()
	c.checkConfig()
	c.checkTranslations()
	c.checkBuild()
	c.checkBuildDeprecated()
	c.checkDockerfile()
	c.checkGracetime()
	c.checkS6()
	c.checkPresentation()
	if opt.Shellcheck != "" {
		c.checkShellcheck()
	}
	if opt.Segue {
		c.checkSegue()
	}
	sort.SliceStable(c.rep.Findings, func(i, j int) bool {
		a, b := c.rep.Findings[i], c.rep.Findings[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return c.rep, nil
}

// Rule names. Every one has a broken-copy case in kit_test.go (TestEveryRuleHasABrokenCopy).
const (
	RuleYAMLDuplicateKey = "yaml.duplicate_key"

	RuleTreeConfigDuplicate = "tree.config_duplicate"
	RuleTreeBuildDuplicate  = "tree.build_duplicate"
	RuleRepository          = "repository"

	RuleConfigMissing           = "config.missing"
	RuleConfigParse             = "config.parse"
	RuleConfigRequired          = "config.required"
	RuleConfigType              = "config.type"
	RuleConfigEnum              = "config.enum"
	RuleConfigPattern           = "config.pattern"
	RuleConfigRange             = "config.range"
	RuleConfigURL               = "config.url"
	RuleConfigVersion           = "config.version"
	RuleConfigUnknownKey        = "config.unknown_key"
	RuleConfigDeprecated        = "config.deprecated"
	RuleConfigMap               = "config.map"
	RuleConfigIngressDynamic    = "config.ingress_dynamic_port"
	RuleConfigIngressPublished  = "config.ingress_published"
	RuleConfigWatchdogPort      = "config.watchdog_port"
	RuleConfigPortsDescription  = "config.ports_description"
	RuleConfigInit              = "config.init"
	RuleConfigBackupExclude     = "config.backup_exclude"
	RuleSchemaElement           = "schema.element"
	RuleSchemaStructure         = "schema.structure"
	RuleSchemaBounds            = "schema.bounds"
	RuleOptionsNotInSchema      = "options.not_in_schema"
	RuleOptionsInvalidDefault   = "options.invalid_default"
	RuleOptionsMissingDefault   = "options.missing_default"
	RuleTranslationsFile        = "translations.file"
	RuleTranslationsParse       = "translations.parse"
	RuleTranslationsUnknownKey  = "translations.unknown_key"
	RuleTranslationsName        = "translations.name"
	RuleTranslationsUnknownOpt  = "translations.unknown_option"
	RuleTranslationsMissingOpt  = "translations.missing_option"
	RuleTranslationsUnknownPort = "translations.unknown_port"
	RuleTranslationsMissingPort = "translations.missing_port"

	RuleBuildParse      = "build.parse"
	RuleBuildFrom       = "build.build_from"
	RuleBuildArch       = "build.arch"
	RuleBuildType       = "build.type"
	RuleBuildUnknownKey = "build.unknown_key"

	RuleDockerfileMissing    = "dockerfile.missing"
	RuleDockerfileArg        = "dockerfile.arg_build_from"
	RuleDockerfileUnpinned   = "dockerfile.build_from_default"
	RuleDockerfileFrom       = "dockerfile.from"
	RuleDockerfileLabels     = "dockerfile.labels"
	RuleDockerfileCopyRootfs = "dockerfile.copy_rootfs"
	RuleDockerfilePerArch    = "dockerfile.per_arch"
	RuleS6Type               = "s6.type"
	RuleS6Run                = "s6.run"
	RuleS6ExecBit            = "s6.exec_bit"
	RuleS6ExecBitGit         = "s6.exec_bit_git"
	RuleS6Dependency         = "s6.dependency"
	RuleS6Bundle             = "s6.bundle"
	RuleS6UserBundleType     = "s6.user_bundle_type"
	RuleBuildDeprecated      = "build.deprecated"
	RuleDockerfileGracetime  = "dockerfile.s6_gracetime"
	RuleWorkflow             = "ci.workflow"
	RuleSegueStage           = "segue.stage"
	RuleSegueImage           = "segue.image"
	RuleSegueMap             = "segue.map"
	RuleSegueFFmpeg          = "segue.ffmpeg"
	RuleSegueBuild           = "segue.build"
	RuleSegueUserBundles     = "segue.user_bundles"
	RuleS6Shebang            = "s6.shebang"
	RuleS6Contenv            = "s6.contenv"
	RuleS6RunExec            = "s6.run_exec"
	RuleS6Finish             = "s6.finish"
	RuleShellcheck           = "shellcheck"
	RulePresentationIcon     = "presentation.icon"
	RulePresentationLogo     = "presentation.logo"
	RulePresentationDocs     = "presentation.docs"
	RuleSegueManifest        = "segue.manifest"
	RuleSegueOptions         = "segue.options"
	RuleSegueBinary          = "segue.binary"
)

// AllRules lists every rule the kit can report.
func AllRules() []string {
	return []string{
		RuleYAMLDuplicateKey,
		RuleTreeConfigDuplicate, RuleTreeBuildDuplicate, RuleRepository,
		RuleConfigMissing, RuleConfigParse, RuleConfigRequired, RuleConfigType, RuleConfigEnum,
		RuleConfigPattern, RuleConfigRange, RuleConfigURL, RuleConfigVersion, RuleConfigUnknownKey,
		RuleConfigDeprecated, RuleConfigMap, RuleConfigIngressDynamic, RuleConfigIngressPublished,
		RuleConfigWatchdogPort, RuleConfigPortsDescription, RuleConfigInit, RuleConfigBackupExclude,
		RuleSchemaElement, RuleSchemaStructure, RuleSchemaBounds,
		RuleOptionsNotInSchema, RuleOptionsInvalidDefault, RuleOptionsMissingDefault,
		RuleTranslationsFile, RuleTranslationsParse, RuleTranslationsUnknownKey, RuleTranslationsName,
		RuleTranslationsUnknownOpt, RuleTranslationsMissingOpt, RuleTranslationsUnknownPort,
		RuleTranslationsMissingPort,
		RuleBuildParse, RuleBuildFrom, RuleBuildArch, RuleBuildType, RuleBuildUnknownKey,
		RuleDockerfileMissing, RuleDockerfileArg, RuleDockerfileUnpinned, RuleDockerfileFrom,
		RuleDockerfileLabels, RuleDockerfileCopyRootfs, RuleDockerfilePerArch,
		RuleS6Type, RuleS6Run, RuleS6ExecBit, RuleS6ExecBitGit, RuleS6Dependency, RuleS6Bundle, RuleS6UserBundleType,
		RuleBuildDeprecated, RuleDockerfileGracetime, RuleWorkflow,
		RuleSegueStage, RuleSegueImage, RuleSegueMap, RuleSegueFFmpeg, RuleSegueBuild, RuleSegueUserBundles,
		RuleS6Shebang, RuleS6Contenv, RuleS6RunExec, RuleS6Finish, RuleShellcheck,
		RulePresentationIcon, RulePresentationLogo, RulePresentationDocs,
		RuleSegueManifest, RuleSegueOptions, RuleSegueBinary,
	}
}
