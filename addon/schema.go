package addon

import (
	"fmt"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
)

// reSchemaElement is RE_SCHEMA_ELEMENT from supervisor/apps/options.py (reference §1.3).
var reSchemaElement = regexp.MustCompile(`^(?:` +
	`|bool` +
	`|email` +
	`|url` +
	`|port` +
	`|device(?:\((?P<filter>subsystem=[a-z]+)\))?` +
	`|str(?:\((?P<s_min>\d+)?,(?P<s_max>\d+)?\))?` +
	`|password(?:\((?P<p_min>\d+)?,(?P<p_max>\d+)?\))?` +
	`|int(?:\((?P<i_min>-?\d+)?,(?P<i_max>-?\d+)?\))?` +
	`|float(?:\((?P<f_min>-?\d*\.?\d+)?,(?P<f_max>-?\d*\.?\d+)?\))?` +
	`|match\((?P<match>.*)\)` +
	`|list\((?P<list>.+)\)` +
	`)\??$`)

// element is one parsed scalar schema element such as "int(1,3650)" or "url?".
type element struct {
	text     string
	base     string // bool, email, url, port, device, str, password, int, float, match, list
	optional bool
	min, max *float64
	match    string
	list     []string
}

func parseElement(s string) (*element, error) {
	m := reSchemaElement.FindStringSubmatch(s)
	if m == nil {
		return nil, fmt.Errorf("%q is not a schema element (bool, email, url, port, device, str, password, int, float with optional (min,max), match(regex), list(a|b), each optionally ending in ?)", s)
	}
	e := &element{text: s}
	body := s
	if strings.HasSuffix(s, "?") {
		body = strings.TrimSuffix(s, "?")
		e.optional = true
	}
	for _, b := range []string{"bool", "email", "url", "port", "device", "str", "password", "int", "float", "match", "list"} {
		if strings.HasPrefix(body, b) {
			e.base = b
			break
		}
	}
	if e.base == "" {
		return nil, fmt.Errorf("%q is empty: the Supervisor accepts it in config.yaml but fails on every start (\"Fatal error for option\")", s)
	}
	names := reSchemaElement.SubexpNames()
	for i, name := range names {
		g := m[i]
		if g == "" {
			continue
		}
		switch name {
		case "s_min", "p_min", "i_min", "f_min", "s_max", "p_max", "i_max", "f_max":
			f, err := strconv.ParseFloat(g, 64)
			if err != nil {
				return nil, fmt.Errorf("%q: bad bound %q", s, g)
			}
			if strings.HasSuffix(name, "min") {
				e.min = &f
			} else {
				e.max = &f
			}
		case "match":
			e.match = g
		case "list":
			e.list = strings.Split(g, "|")
		}
	}
	return e, nil
}

// checkSchema checks the options/schema pair of config.yaml.
func (c *checker) checkSchema(f string, cfg *value) {
	schema := cfg.get("schema")
	options := cfg.get("options")
	if schema == nil {
		schema = &value{kind: kMap, line: cfg.line}
	}
	if schema.kind == kBool && !schema.b {
		return // schema: false = no validation
	}
	if schema.kind != kMap {
		return // reported by checkSpecial
	}
	c.schemaDict(f, "schema", schema, 0)
	if options == nil {
		options = &value{kind: kMap, line: cfg.line}
	}
	if options.kind != kMap {
		return
	}
	c.optionsDict(f, "options", options, schema)
}

func (c *checker) schemaDict(f, at string, d *value, depth int) {
	for i, k := range d.keys {
		if k.kind != kStr {
			c.add(RuleSchemaStructure, Error, f, k.line, at, "schema keys must be strings, got %s", k.describe())
			continue
		}
		c.schemaNode(f, at+"."+k.raw, d.vals[i], depth+1)
	}
}

func (c *checker) schemaNode(f, at string, n *value, depth int) {
	switch n.kind {
	case kStr:
		c.schemaScalar(f, at, n)
	case kMap:
		c.schemaDict(f, at, n, depth)
	case kList:
		if len(n.list) != 1 {
			c.add(RuleSchemaStructure, Error, f, n.line, at, "a list schema must hold exactly one element (the type of every item), it holds %d", len(n.list))
		}
		for _, e := range n.list {
			switch e.kind {
			case kStr:
				c.schemaScalar(f, at+"[]", e)
			case kMap:
				c.schemaDict(f, at+"[]", e, depth+1)
			case kList:
				c.add(RuleSchemaStructure, Error, f, e.line, at, "a list may not directly contain a list; the store skips the add-on")
			default:
				c.add(RuleSchemaElement, Error, f, e.line, at, "list item type must be a string element or a mapping, got %s", e.describe())
			}
		}
	default:
		c.add(RuleSchemaElement, Error, f, n.line, at, "must be a string element, a one-item list or a mapping, got %s; the store skips the add-on", n.describe())
	}
	if depth > 3 {
		c.add(RuleSchemaStructure, Warning, f, n.line, at, "nested deeper than the option editor supports")
	}
}

func (c *checker) schemaScalar(f, at string, n *value) {
	e, err := parseElement(n.raw)
	if err != nil {
		c.add(RuleSchemaElement, Error, f, n.line, at, "%v", err)
		return
	}
	if e.min != nil && e.max != nil && *e.min > *e.max {
		c.add(RuleSchemaBounds, Error, f, n.line, at, "%q: min %g is greater than max %g, no value can pass", n.raw, *e.min, *e.max)
	}
	if e.base == "list" {
		for _, alt := range e.list {
			if alt == "" {
				c.add(RuleSchemaElement, Error, f, n.line, at, "%q has an empty alternative", n.raw)
			}
		}
	}
	if e.base == "match" {
		if _, err := regexp.Compile(e.match); err != nil {
			c.add(RuleSchemaElement, Warning, f, n.line, at, "match(...) regex does not compile in Go (%v); check it with Python's re", err)
		}
	}
}

// optionsDict validates default options against their schema like AppOptions does at start:
// unknown keys are dropped, a missing key whose element lacks "?" stops the add-on, and every
// value must pass its element.
func (c *checker) optionsDict(f, at string, opts, schema *value) {
	for i, k := range opts.keys {
		sch := schema.get(k.raw)
		if sch == nil || k.kind != kStr {
			c.add(RuleOptionsNotInSchema, Error, f, k.line, at+"."+k.raw, "has no schema entry; the Supervisor drops it with a warning (\"does not exist in the schema\")")
			continue
		}
		c.optionValue(f, at+"."+k.raw, opts.vals[i], sch)
	}
	for i, k := range schema.keys {
		if opts.get(k.raw) != nil {
			continue
		}
		if !schemaOptional(schema.vals[i]) {
			c.add(RuleOptionsMissingDefault, Error, f, k.line, at+"."+k.raw,
				"required by the schema but has no default: the add-on will not start until the user sets it (\"Missing option\"); give a default or end the element with ?")
		}
	}
}

func schemaOptional(s *value) bool {
	if s.kind == kList && len(s.list) > 0 {
		s = s.list[0]
	}
	return s.kind == kStr && strings.HasSuffix(s.raw, "?")
}

func (c *checker) optionValue(f, at string, v, sch *value) {
	if v.kind == kNull {
		c.add(RuleOptionsMissingDefault, Error, f, v.line, at, "default is null, which makes the option mandatory (\"Missing required option\"); remove it to leave an optional option unset")
		return
	}
	switch sch.kind {
	case kList:
		if v.kind != kList {
			c.add(RuleOptionsInvalidDefault, Error, f, v.line, at, "must be a list, got %s", v.describe())
			return
		}
		if len(sch.list) == 0 {
			return
		}
		for _, item := range v.list {
			c.optionValue(f, at+"[]", item, sch.list[0])
		}
	case kMap:
		if v.kind != kMap {
			c.add(RuleOptionsInvalidDefault, Error, f, v.line, at, "must be a mapping, got %s", v.describe())
			return
		}
		c.optionsDict(f, at, v, sch)
	case kStr:
		e, err := parseElement(sch.raw)
		if err != nil {
			return // reported by the schema check
		}
		if msg := e.validate(v); msg != "" {
			c.add(RuleOptionsInvalidDefault, Error, f, v.line, at, "default %s fails %q: %s", v.describe(), sch.raw, msg)
		}
	}
}

// validate checks a default value as _single_validate would, but strictly typed.
func (e *element) validate(v *value) string {
	inRange := func(x float64) string {
		if e.min != nil && x < *e.min {
			return fmt.Sprintf("below the minimum %g", *e.min)
		}
		if e.max != nil && x > *e.max {
			return fmt.Sprintf("above the maximum %g", *e.max)
		}
		return ""
	}
	yaml11 := ""
	if v.kind == kBool && !strings.EqualFold(v.raw, "true") && !strings.EqualFold(v.raw, "false") {
		yaml11 = fmt.Sprintf(" (the Supervisor's YAML 1.1 loader reads %s as a boolean; quote it)", v.raw)
	}
	switch e.base {
	case "bool":
		if v.kind != kBool {
			return "not a boolean"
		}
	case "int":
		if v.kind != kInt {
			return "not an integer" + yaml11
		}
		return inRange(float64(v.i))
	case "float":
		switch v.kind {
		case kInt:
			return inRange(float64(v.i))
		case kFloat:
			return inRange(v.f)
		}
		return "not a number"
	case "port":
		if v.kind != kInt || v.i < 1 || v.i > 65535 {
			return "not a port number 1..65535"
		}
	case "str", "password":
		if v.kind != kStr {
			return "not a string" + yaml11
		}
		n := float64(len([]rune(v.raw)))
		if e.min != nil && n < *e.min {
			return fmt.Sprintf("shorter than %g", *e.min)
		}
		if e.max != nil && n > *e.max {
			return fmt.Sprintf("longer than %g", *e.max)
		}
	case "url":
		if !validURL(v) {
			return "not a URL with scheme and host"
		}
	case "email":
		if v.kind != kStr {
			return "not a string"
		}
		if _, err := mail.ParseAddress(v.raw); err != nil {
			return "not an email address"
		}
	case "list":
		if v.kind != kStr {
			return "not one of " + strings.Join(e.list, ", ") + yaml11
		}
		if !contains(e.list, v.raw) {
			return "not one of " + strings.Join(e.list, ", ")
		}
	case "match":
		if v.kind != kStr {
			return "not a string" + yaml11
		}
		re, err := regexp.Compile(`^(?:` + e.match + `)`) // Python re.match anchors at the start only
		if err == nil && !re.MatchString(v.raw) {
			return "does not match " + e.match
		}
	}
	return ""
}
