package addon

import (
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The Supervisor reads config.yaml, build.yaml and translations with PyYAML's SafeLoader,
// which resolves plain scalars with YAML 1.1 rules: `on`/`off`/`yes`/`no` are booleans,
// `0755` is octal, `1:20` is a (sexagesimal) integer, `1.10` is the float 1.1. yaml.v3
// follows YAML 1.2, so the kit parses the document structure with yaml.v3 and then
// resolves every plain scalar itself with PyYAML's regular expressions (resolver.py).

type kind int

const (
	kNull kind = iota
	kBool
	kInt
	kFloat
	kStr
	kTime
	kList
	kMap
)

func (k kind) String() string {
	return [...]string{"null", "boolean", "integer", "float", "string", "timestamp", "list", "mapping"}[k]
}

// value is one node of a YAML document as PyYAML would construct it.
type value struct {
	kind kind
	line int
	raw  string // scalar text as written
	b    bool
	i    int64
	f    float64
	list []*value
	keys []*value // mapping keys, in document order
	vals []*value
}

var (
	rePyBool  = regexp.MustCompile(`^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$`)
	rePyFloat = regexp.MustCompile(`^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`)
	rePyInt   = regexp.MustCompile(`^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`)
	rePyNull  = regexp.MustCompile(`^(?:~|null|Null|NULL|)$`)
	rePyTime  = regexp.MustCompile(`^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$`)
)

// loadYAML reads and parses path; dups receives every mapping key defined twice (PyYAML
// silently keeps the last one, which hides mistakes).
func loadYAML(path string) (*value, []dupKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	return parseYAML(data)
}

type dupKey struct {
	key  string
	line int
}

func parseYAML(data []byte) (*value, []dupKey, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, nil, err
	}
	if doc.Kind == 0 { // empty file
		return &value{kind: kNull, line: 1}, nil, nil
	}
	var dups []dupKey
	v, err := convert(&doc, &dups, 0)
	return v, dups, err
}

func convert(n *yaml.Node, dups *[]dupKey, depth int) (*value, error) {
	if depth > 64 {
		return nil, fmt.Errorf("line %d: nesting too deep", n.Line)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return &value{kind: kNull, line: n.Line}, nil
		}
		return convert(n.Content[0], dups, depth+1)
	case yaml.AliasNode:
		return convert(n.Alias, dups, depth+1)
	case yaml.SequenceNode:
		v := &value{kind: kList, line: n.Line}
		for _, c := range n.Content {
			cv, err := convert(c, dups, depth+1)
			if err != nil {
				return nil, err
			}
			v.list = append(v.list, cv)
		}
		return v, nil
	case yaml.MappingNode:
		v := &value{kind: kMap, line: n.Line}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Kind == yaml.ScalarNode && n.Content[i].Value == "<<" {
				return nil, fmt.Errorf("line %d: merge keys (<<) are not supported by the kit", n.Content[i].Line)
			}
			k, err := convert(n.Content[i], dups, depth+1)
			if err != nil {
				return nil, err
			}
			val, err := convert(n.Content[i+1], dups, depth+1)
			if err != nil {
				return nil, err
			}
			id := k.kind.String() + ":" + k.raw
			if seen[id] {
				*dups = append(*dups, dupKey{key: k.raw, line: k.line})
				// PyYAML keeps the last value: replace the earlier entry.
				for j := range v.keys {
					if v.keys[j].kind == k.kind && v.keys[j].raw == k.raw {
						v.vals[j] = val
					}
				}
				continue
			}
			seen[id] = true
			v.keys = append(v.keys, k)
			v.vals = append(v.vals, val)
		}
		return v, nil
	case yaml.ScalarNode:
		return scalar(n)
	}
	return nil, fmt.Errorf("line %d: unsupported YAML node", n.Line)
}

func scalar(n *yaml.Node) (*value, error) {
	v := &value{line: n.Line, raw: n.Value}
	tag := ""
	switch {
	case n.Style&yaml.TaggedStyle != 0:
		tag = n.ShortTag()
	case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		tag = "!!str"
	default:
		tag = pyResolve(n.Value)
	}
	switch tag {
	case "!!null":
		v.kind = kNull
	case "!!bool":
		v.kind = kBool
		switch strings.ToLower(n.Value) {
		case "yes", "true", "on":
			v.b = true
		}
	case "!!int":
		i, err := pyInt(n.Value)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", n.Line, err)
		}
		v.kind, v.i = kInt, i
	case "!!float":
		v.kind, v.f = kFloat, pyFloat(n.Value)
	case "!!timestamp":
		v.kind = kTime
	default:
		v.kind = kStr
	}
	return v, nil
}

func pyResolve(s string) string {
	switch {
	case rePyBool.MatchString(s):
		return "!!bool"
	case rePyInt.MatchString(s):
		return "!!int"
	case rePyFloat.MatchString(s):
		return "!!float"
	case rePyNull.MatchString(s):
		return "!!null"
	case rePyTime.MatchString(s):
		return "!!timestamp"
	}
	return "!!str"
}

// pyInt follows PyYAML's construct_yaml_int.
func pyInt(s string) (int64, error) {
	s = strings.ReplaceAll(s, "_", "")
	sign := int64(1)
	if strings.HasPrefix(s, "-") {
		sign, s = -1, s[1:]
	} else if strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	var (
		i   int64
		err error
	)
	switch {
	case s == "0":
		return 0, nil
	case strings.HasPrefix(s, "0b"):
		i, err = strconv.ParseInt(s[2:], 2, 64)
	case strings.HasPrefix(s, "0x"):
		i, err = strconv.ParseInt(s[2:], 16, 64)
	case strings.HasPrefix(s, "0"):
		i, err = strconv.ParseInt(s[1:], 8, 64)
	case strings.Contains(s, ":"):
		base := int64(1)
		parts := strings.Split(s, ":")
		for j := len(parts) - 1; j >= 0; j-- {
			d, perr := strconv.ParseInt(parts[j], 10, 64)
			if perr != nil {
				return 0, perr
			}
			i += d * base
			base *= 60
		}
	default:
		i, err = strconv.ParseInt(s, 10, 64)
	}
	return sign * i, err
}

func pyFloat(s string) float64 {
	s = strings.ToLower(strings.ReplaceAll(s, "_", ""))
	switch strings.TrimLeft(s, "+-") {
	case ".inf":
		if strings.HasPrefix(s, "-") {
			return math.Inf(-1)
		}
		return math.Inf(1)
	case ".nan":
		return math.NaN()
	}
	if strings.Contains(s, ":") {
		sign := 1.0
		if strings.HasPrefix(s, "-") {
			sign, s = -1, s[1:]
		}
		s = strings.TrimPrefix(s, "+")
		f, base := 0.0, 1.0
		parts := strings.Split(s, ":")
		for j := len(parts) - 1; j >= 0; j-- {
			d, _ := strconv.ParseFloat(parts[j], 64)
			f += d * base
			base *= 60
		}
		return sign * f
	}
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// get returns the value of a string key of a mapping, or nil.
func (v *value) get(key string) *value {
	if v == nil || v.kind != kMap {
		return nil
	}
	for i, k := range v.keys {
		if k.kind == kStr && k.raw == key {
			return v.vals[i]
		}
	}
	return nil
}

// str reports the string value, "" for anything else.
func (v *value) str() string {
	if v == nil || v.kind != kStr {
		return ""
	}
	return v.raw
}

// describe renders a scalar for messages: its text and how PyYAML reads it.
func (v *value) describe() string {
	switch v.kind {
	case kList, kMap:
		return "a " + v.kind.String()
	case kNull:
		return "null"
	case kStr:
		return fmt.Sprintf("the string %q", v.raw)
	}
	return fmt.Sprintf("%s (read as a %s)", v.raw, v.kind)
}

// plain converts to Go values (for comparisons in the Segue contract).
func (v *value) plain() any {
	switch v.kind {
	case kBool:
		return v.b
	case kInt:
		return v.i
	case kFloat:
		return v.f
	case kStr, kTime:
		return v.raw
	case kList:
		out := make([]any, 0, len(v.list))
		for _, e := range v.list {
			out = append(out, e.plain())
		}
		return out
	case kMap:
		out := map[string]any{}
		for i, k := range v.keys {
			out[k.raw] = v.vals[i].plain()
		}
		return out
	}
	return nil
}
