package addon

import (
	"path"
	"regexp"
	"strings"
)

var reLang = regexp.MustCompile(`^[a-z]{2,3}(?:[-_][A-Za-z0-9]+)?$`)

// checkTranslations: translations/<lang>.{yaml,yml,json} with `configuration` (per option:
// name required, description, fields for nested options) and `network` (per ports key).
// Keys must exist in schema/ports; English must cover every option and port.
func (c *checker) checkTranslations() {
	var files []string
	for _, f := range c.files {
		if strings.HasPrefix(f, "translations/") {
			files = append(files, f)
		}
	}
	var schema, ports *value
	if c.config != nil {
		schema, ports = c.config.get("schema"), c.config.get("ports")
	}
	hasEnglish := false
	for _, f := range files {
		base := path.Base(f)
		ext := path.Ext(base)
		lang := strings.TrimSuffix(base, ext)
		if strings.Count(strings.TrimPrefix(f, "translations/"), "/") > 0 || (ext != ".yaml" && ext != ".yml" && ext != ".json") || !reLang.MatchString(lang) {
			c.add(RuleTranslationsFile, Warning, f, 0, "", "ignored by the Supervisor: translations are translations/<language>.yaml")
			continue
		}
		if lang == "en" {
			hasEnglish = true
		}
		c.checkTranslationFile(f, lang == "en", schema, ports)
	}
	if !hasEnglish && schema != nil && schema.kind == kMap && len(schema.keys) > 0 {
		c.add(RuleTranslationsFile, Error, "translations/en.yaml", 0, "", "missing: options are shown by their raw key without it")
	}
}

func (c *checker) checkTranslationFile(f string, english bool, schema, ports *value) {
	v, dups, err := loadYAML(c.path(f))
	if err != nil {
		c.add(RuleTranslationsParse, Error, f, 0, "", "cannot be parsed, the Supervisor skips it (\"Can't read translations\"): %v", err)
		return
	}
	c.reportDups(f, dups)
	if v.kind != kMap {
		c.add(RuleTranslationsParse, Error, f, v.line, "", "must be a mapping with configuration and network")
		return
	}
	for _, k := range v.keys {
		if k.raw != "configuration" && k.raw != "network" {
			c.add(RuleTranslationsUnknownKey, Warning, f, k.line, k.raw, "unknown top-level key, dropped (only configuration and network are read)")
		}
	}
	if conf := v.get("configuration"); conf != nil {
		if conf.kind != kMap {
			c.add(RuleTranslationsParse, Error, f, conf.line, "configuration", "must be a mapping of option keys")
		} else {
			c.translationFields(f, "configuration", conf, schema, english)
		}
	} else if english && schema != nil && schema.kind == kMap && len(schema.keys) > 0 {
		c.add(RuleTranslationsMissingOpt, Error, f, v.line, "configuration", "missing: every option needs a name and description")
	}
	net := v.get("network")
	if net != nil && net.kind != kMap {
		c.add(RuleTranslationsParse, Error, f, net.line, "network", "must be a mapping of ports keys to descriptions")
		net = nil
	}
	if net != nil {
		for i, k := range net.keys {
			if ports == nil || ports.kind != kMap || ports.get(k.raw) == nil {
				c.add(RuleTranslationsUnknownPort, Error, f, k.line, "network."+k.raw, "no such key in config.yaml ports (use the exact key, e.g. \"8095/tcp\")")
			}
			if net.vals[i].kind != kStr {
				c.add(RuleTranslationsParse, Error, f, net.vals[i].line, "network."+k.raw, "must be a string, got %s", net.vals[i].describe())
			}
		}
	}
	if english && ports != nil && ports.kind == kMap {
		for _, k := range ports.keys {
			if net == nil || net.get(k.raw) == nil {
				c.add(RuleTranslationsMissingPort, Error, f, 0, "network."+k.raw, "the port has no description")
			}
		}
	}
}

// translationFields checks one level of configuration entries against one level of schema.
func (c *checker) translationFields(f, at string, conf, schema *value, english bool) {
	for i, k := range conf.keys {
		entry := conf.vals[i]
		key := at + "." + k.raw
		var sch *value
		if schema != nil && schema.kind == kMap {
			sch = schema.get(k.raw)
		}
		if sch == nil {
			c.add(RuleTranslationsUnknownOpt, Error, f, k.line, key, "translates an option that is not in the schema")
		}
		if entry.kind != kMap {
			c.add(RuleTranslationsName, Error, f, entry.line, key, "must be a mapping with name and description, got %s", entry.describe())
			continue
		}
		if n := entry.get("name"); n == nil || n.kind != kStr || strings.TrimSpace(n.raw) == "" {
			c.add(RuleTranslationsName, Error, f, entry.line, key+".name", "required string; without it the whole file is skipped")
		}
		if d := entry.get("description"); d != nil && d.kind != kStr && d.kind != kNull {
			c.add(RuleTranslationsName, Error, f, d.line, key+".description", "must be a string or null, got %s", d.describe())
		}
		if fields := entry.get("fields"); fields != nil {
			nested := sch
			if nested != nil && nested.kind == kList && len(nested.list) == 1 {
				nested = nested.list[0]
			}
			if fields.kind != kMap {
				c.add(RuleTranslationsName, Error, f, fields.line, key+".fields", "must be a mapping")
			} else {
				c.translationFields(f, key+".fields", fields, nested, english)
			}
		}
	}
	if !english || schema == nil || schema.kind != kMap {
		return
	}
	for _, k := range schema.keys {
		if conf.get(k.raw) == nil {
			c.add(RuleTranslationsMissingOpt, Error, f, conf.line, at+"."+k.raw, "option has no English name/description")
		}
	}
}
