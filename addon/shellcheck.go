package addon

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// reShellcheckGCC parses `shellcheck -f gcc` output: file:line:col: severity: message [SCnnnn]
var reShellcheckGCC = regexp.MustCompile(`^(.*?):(\d+):(\d+): (\w+): (.*)$`)

// shellScripts lists the files under rootfs/ with a #! line for a POSIX or bash shell
// (bashio scripts are bash); execline scripts are not shell.
func (c *checker) shellScripts() map[string]string {
	out := map[string]string{}
	for _, f := range c.files {
		if !strings.HasPrefix(f, "rootfs/") {
			continue
		}
		data, err := os.ReadFile(c.path(f))
		if err != nil || !bytes.HasPrefix(data, []byte("#!")) {
			continue
		}
		first, _, _ := strings.Cut(string(data), "\n")
		fields := strings.Fields(strings.TrimPrefix(first, "#!"))
		shell := ""
		for _, w := range fields {
			switch path.Base(strings.TrimSpace(w)) {
			case "bash", "bashio":
				shell = "bash"
			case "sh", "dash", "ash":
				if shell == "" {
					shell = "sh"
				}
			}
		}
		if shell != "" {
			out[f] = shell
		}
	}
	return out
}

func (c *checker) checkShellcheck() {
	for f, shell := range c.shellScripts() {
		cmd := exec.Command(c.opt.Shellcheck, "-f", "gcc", "-s", shell, "-x", c.path(f))
		outb, err := cmd.Output()
		var exitErr *exec.ExitError
		if err != nil && !errors.As(err, &exitErr) {
			c.add(RuleShellcheck, Error, f, 0, "", "shellcheck did not run: %v", err)
			continue
		}
		reported := false
		for _, l := range strings.Split(strings.TrimSpace(string(outb)), "\n") {
			m := reShellcheckGCC.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			line, _ := strconv.Atoi(m[2])
			c.add(RuleShellcheck, Error, f, line, "", "shellcheck %s: %s", m[4], m[5])
			reported = true
		}
		if err != nil && !reported {
			c.add(RuleShellcheck, Error, f, 0, "", "shellcheck failed: %v %s", err, bytes.TrimSpace(outb))
		}
	}
}
