package config

import (
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"strings"
)

// setText stores a flag or environment value (text) in the field dst points at.
func setText(dst any, v string) error {
	switch d := dst.(type) {
	case *string:
		*d = v
	case *[]string:
		*d = splitList(v)
	case *int:
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", v)
		}
		*d = n
	case *bool:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%q is not true or false", v)
		}
		*d = b
	default:
		panic(fmt.Sprintf("config: unsupported field type %T", dst))
	}
	return nil
}

// setJSON stores an options.json value; an empty string keeps the earlier value
// (the add-on UI writes "" for an option left blank).
func setJSON(dst any, raw json.RawMessage) error {
	if s, ok := dst.(*string); ok {
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		if v != "" {
			*s = v
		}
		return nil
	}
	if string(raw) == "null" {
		return nil
	}
	return json.Unmarshal(raw, dst)
}

// flagValue holds what the command line said for one option, checked at parse time.
type flagValue struct {
	field   any    // a scratch field of the option's type, for checking
	def     string // default shown in -h
	text    string
	set     bool
	boolean bool
}

func (f *flagValue) String() string {
	if f == nil {
		return ""
	}
	if f.set {
		return f.text
	}
	return f.def
}

func (f *flagValue) Set(v string) error {
	if err := setText(f.field, v); err != nil {
		return err
	}
	if _, list := f.field.(*[]string); list && f.set {
		v = f.text + "," + v // a list flag may be repeated
	}
	f.text, f.set = v, true
	return nil
}

func (f *flagValue) IsBoolFlag() bool { return f.boolean }

// defineFlags registers every option that has a flag; defaults come from c.
func defineFlags(fs *flag.FlagSet, c *Config) map[string]*flagValue {
	vals := map[string]*flagValue{}
	for _, o := range options() {
		if o.Flag == "" {
			continue
		}
		v := &flagValue{def: showDefault(o.Field(c))}
		scratch := *c
		v.field = o.Field(&scratch)
		_, v.boolean = v.field.(*bool)
		fs.Var(v, o.Flag, o.Usage)
		vals[o.Flag] = v
	}
	return vals
}

func showDefault(field any) string {
	switch d := field.(type) {
	case *string:
		return *d
	case *[]string:
		return strings.Join(*d, ",")
	case *int:
		return strconv.Itoa(*d)
	case *bool:
		return strconv.FormatBool(*d)
	}
	return ""
}
